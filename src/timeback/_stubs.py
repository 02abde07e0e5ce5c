"""Render ``resources/_methods.pyi``, the methods' typed signatures, from the operation declarations:
``python -m timeback._stubs > src/timeback/resources/_methods.pyi``; ``tests/test_stubs.py`` fails when it is out of
date.

At run time a method is made from its declaration (``_resource._method``), its signature too (``_signature``), so
``help()`` shows its keywords, but type checkers do not run code: they read the class's bases, and saw only
``**fields: Any``. ``Gradebook`` and ``Rostering`` take their bases from this stub when type checked, so mypy,
pyright and Pylance check and complete each method's keywords (``get_result(sourcd_id=...)`` is an error) and show
its docstring. It is this module's rendering of the run-time signatures, so the two cannot differ.
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any, get_args

from timeback._operations import Operation, OperationSet
from timeback._resource import REQUIRED, _body_of, _doc, _signature
from timeback.resources import GradebookOperations, RosteringOperations

# (class name in the stub, the operations, async): the resources' bases when type checked
CLASSES: list[tuple[str, type[OperationSet], bool]] = [
    ("GradebookMethods", GradebookOperations, False),
    ("AsyncGradebookMethods", GradebookOperations, True),
    ("RosteringMethods", RosteringOperations, False),
    ("AsyncRosteringMethods", RosteringOperations, True),
]

# Names a signature uses that are no model's, by the module the stub imports them from (None: ``import httpx``).
_FIXED: dict[str, str | None] = {
    "Any": "typing",
    "Literal": "typing",
    "Iterable": "collections.abc",
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
    for parameter in list(signature.parameters.values())[1:]:  # (request, positional only; then keywords)
        annotations.add(parameter.annotation)
        lines.append(f"        {parameter.name}: {parameter.annotation} = {_default(parameter)},")
        lines += ["        /,", "        *,"] if parameter.name == "request" else []
    annotations.add(signature.return_annotation)
    lines.append(f"    ) -> {signature.return_annotation}:")
    doc = _doc(op, is_async).replace("\\", "\\\\").splitlines()
    lines += [f'        """{doc[0]}', *(f"        {line}" if line else "" for line in doc[1:]), '        """']
    return lines


def render() -> str:
    """The stub's text: its imports, then a class of methods for each resource, sync and async."""
    found: dict[str, str] = {}
    annotations: set[str] = set()
    body: list[str] = []
    for name, operations, is_async in CLASSES:
        body += ["", f"class {name}:"]
        for op in operations.operations():
            body += _method(op, is_async, annotations)
            for info in op.request.model_fields.values():
                _classes(info.annotation, found)
            for model in (op.request, op.response, *([_body_of(op)[2]] if op.body else [])):
                _classes(model, found)
    # (each name the annotations use, quoted literals aside, imported from where it is defined)
    names = re.findall(r"[A-Za-z_][\w.]*", re.sub(r"\"[^\"]*\"", "", " ".join(annotations)))
    modules: dict[str, set[str]] = {}
    for word in {name.split(".")[0] for name in names} - _BUILTINS:  # (httpx.Timeout: httpx)
        module = _FIXED[word] if word in _FIXED else found[word]
        if module is not None:
            modules.setdefault(module, set()).add(word)
    stdlib = sorted(module for module in modules if module.split(".")[0] in sys.stdlib_module_names)
    ours = sorted(module for module in modules if module not in stdlib)
    return "\n".join([
        '"""The methods\' typed signatures, for type checkers, generated from the operation declarations by',
        "``python -m timeback._stubs > src/timeback/resources/_methods.pyi``: do not edit (tests/test_stubs.py fails",
        "when it is out of date). ``Gradebook``, ``Rostering`` and their async twins take these classes as their bases",
        'when type checked: see ``timeback._stubs``."""',
        "",
        "from __future__ import annotations",
        "",
        *(f"from {module} import {', '.join(_sorted(modules[module]))}" for module in stdlib),
        "",
        "import httpx",
        "",
        *(f"from {module} import (\n{''.join(f'    {name},{chr(10)}' for name in _sorted(modules[module]))})"
          for module in ours),
        *body,
    ]) + "\n"  # fmt: skip


if __name__ == "__main__":
    sys.stdout.write(render())
