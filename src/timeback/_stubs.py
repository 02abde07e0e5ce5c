"""Write ``resources/_methods.pyi``, the methods' typed signatures, from the operation declarations:
``python -m timeback._stubs``; ``tests/test_stubs.py`` fails when it is out of date.

At run time a method is made from its declaration (``_resource._method``), its signature too (``_signature``), so
``help()`` shows its keywords; but type checkers run no code, and saw only the descriptor. ``Gradebook``,
``Rostering`` and their async twins take the stub's classes of the same names as their bases when type checked, so
mypy, pyright and Pylance check and complete each method's keywords (``get_result(sourcd_id=...)`` is an error) and
show its docstring. The stub is this module's rendering of the run-time signatures, so the two say the same.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, get_args

from timeback._operations import Operation, OperationSet
from timeback._resource import REQUIRED, AsyncResource, _body_of, _doc, _signature
from timeback.resources import (
    AsyncGradebook,
    AsyncRostering,
    Gradebook,
    GradebookOperations,
    Rostering,
    RosteringOperations,
)

STUB = Path(__file__).parent / "resources" / "_methods.pyi"
# The resources, each with its operations: the stub holds a class of each one's methods, of the same name.
RESOURCES: list[tuple[type, type[OperationSet]]] = [
    (Gradebook, GradebookOperations),
    (AsyncGradebook, GradebookOperations),
    (Rostering, RosteringOperations),
    (AsyncRostering, RosteringOperations),
]

# Names a signature uses that are no model's, by the module the stub imports them from (None: ``import httpx``).
_FIXED: dict[str, str | None] = {
    "Any": "typing",
    "Literal": "typing",
    "Iterable": "collections.abc",
    "Sequence": "collections.abc",
    "Mapping": "collections.abc",
    "httpx": None,
    "Page": "timeback._pagination",
    "AsyncPaginator": "timeback._pagination",
    "TimebackQueryParams": "timeback.models._requests_base",
}
_BUILTINS = {"None", "str", "int", "float", "bool", "list", "dict", "bytes", "object"}


def _classes(annotation: Any, found: dict[str, str]) -> None:
    """Each class ``annotation`` names, at any depth, in ``found`` (its name -> its module)."""
    if isinstance(annotation, type):
        if annotation.__module__ != "builtins":
            known = found.setdefault(annotation.__name__, annotation.__module__)
            assert known == annotation.__module__, f"two classes named {annotation.__name__}: {known}'s and another"
        return
    for arg in get_args(annotation):
        _classes(arg, found)


def _sorted(names: set[str]) -> list[str]:
    return sorted(names, key=str.lower)  # (as ruff's isort sorts them)


def _default(parameter: inspect.Parameter) -> str:
    if parameter.default is not REQUIRED and isinstance(parameter.default, None | bool | int | float | str):
        return repr(parameter.default)
    return "..."  # (required unless the request holds it: ``REQUIRED`` at run time)


def _method(op: Operation[Any, Any], is_async: bool, annotations: set[str]) -> list[str]:
    signature = _signature(op, is_async)
    lines = [f"    {'async ' if is_async and op.kind != 'list' else ''}def {op.name}(", "        self,"]
    parameters = list(signature.parameters.values())[1:]
    for parameter, after in zip(parameters, [*parameters[1:], None], strict=True):
        annotations.add(parameter.annotation)
        lines.append(f"        {parameter.name}: {parameter.annotation} = {_default(parameter)},")
        if parameter.kind is parameter.POSITIONAL_ONLY and after is not None and after.kind is after.KEYWORD_ONLY:
            lines += ["        /,", "        *,"]
    annotations.add(signature.return_annotation)
    lines.append(f"    ) -> {signature.return_annotation}:")
    doc = _doc(op, is_async).replace("\\", "\\\\").splitlines()
    lines += [f'        """{doc[0]}', *(f"        {line}" if line else "" for line in doc[1:]), '        """']
    return lines


def render() -> str:
    """The stub's text: its imports, then a class of methods for each resource."""
    found: dict[str, str] = {}
    annotations: set[str] = set()
    body: list[str] = []
    for resource, operations in RESOURCES:
        body += ["", f"class {resource.__name__}:"]
        for op in operations.operations():
            body += _method(op, issubclass(resource, AsyncResource), annotations)
            for info in op.request.model_fields.values():
                _classes(info.annotation, found)
            for model in (op.request, op.response, *([_body_of(op)[2]] if op.body else [])):
                _classes(model, found)
    # Each name the annotations use, imported from where it is defined; a name neither found nor in _FIXED is a
    # KeyError here, not a stub that names what it does not import.
    names = re.findall(r"[A-Za-z_][\w.]*", re.sub(r"\"[^\"]*\"|'[^']*'", "", " ".join(annotations)))
    modules: dict[str, set[str]] = {}
    for word in {name.split(".")[0] for name in names} - _BUILTINS:  # (httpx.Timeout: httpx)
        module = _FIXED[word] if word in _FIXED else found[word]
        if module is not None:
            modules.setdefault(module, set()).add(word)
    stdlib = sorted(module for module in modules if module.split(".")[0] in sys.stdlib_module_names)
    ours = sorted(module for module in modules if module not in stdlib)
    return "\n".join([
        '"""The methods\' typed signatures, for type checkers, written from the operation declarations by',
        "``python -m timeback._stubs``: do not edit (tests/test_stubs.py fails when it is out of date). The resources",
        "of these names take these classes as their bases when type checked: see ``timeback._stubs``.\"\"\"",
        "",
        *(f"from {module} import {', '.join(_sorted(modules[module]))}" for module in stdlib),
        "",
        "import httpx",
        "",
        *(f"from {module} import (\n{''.join(f'    {name},{chr(10)}' for name in _sorted(modules[module]))})"
          for module in ours),
        *body,
    ]) + "\n"  # fmt: skip


def write() -> None:
    """Write the stub, all or nothing: rendered first, then put in place (a ``> file`` redirect emptied it first)."""
    text = render()
    fd, temporary = tempfile.mkstemp(dir=STUB.parent, prefix=".methods-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, STUB)
    except BaseException:
        os.unlink(temporary)
        raise


if __name__ == "__main__":
    write()
