"""src/timeback/resources/_methods.pyi, the methods' signatures type checkers read (``timeback._stubs``), is current
and says what the methods take at run time. That checkers then check keyword calls is tests/test_typecheck.py's
(tests/typecheck: check_usage.py and rejected_usage.py)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

from timeback._resource import REQUIRED
from timeback._stubs import RESOURCES, STUB, render
from timeback.resources import Gradebook


def test_the_stub_is_current() -> None:
    assert STUB.read_text() == render(), "write it anew with: python -m timeback._stubs"


def stub_methods() -> dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    tree = ast.parse(STUB.read_text())
    return {
        klass.name: {f.name: f for f in klass.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
        for klass in tree.body
        if isinstance(klass, ast.ClassDef)
    }


def same(annotation: str) -> str:
    """``annotation`` as ``ast.unparse`` writes it (its quotes)."""
    return ast.unparse(ast.parse(annotation, mode="eval").body)


def test_the_stub_has_a_class_for_each_resource_named_as_it_and_nothing_else() -> None:
    assert list(stub_methods()) == [resource.__name__ for resource, _ in RESOURCES]


@pytest.mark.parametrize("resource", [resource for resource, _ in RESOURCES], ids=lambda resource: resource.__name__)
def test_each_method_in_the_stub_is_the_resource_s_own(resource: type) -> None:
    """Read from the stub's text, not from its renderer: every operation of the resource is there with the
    signature ``inspect.signature`` gives at run time (names, order, kinds, types, defaults: ``...`` for a required
    keyword) and is ``async def`` exactly when calling it at run time gives a coroutine."""
    methods = stub_methods()[resource.__name__]
    operations = [name for name in dir(resource) if hasattr(getattr(resource, name), "operation")]
    assert sorted(methods) == sorted(operations)
    for name, stubbed in methods.items():
        method: Any = getattr(resource, name)
        signature = inspect.signature(method)
        assert isinstance(stubbed, ast.AsyncFunctionDef) == inspect.iscoroutinefunction(method), name
        args = stubbed.args
        assert [a.arg for a in args.posonlyargs] == ["self", "request"] and not args.args and not args.vararg, name
        assert [a.arg for a in args.kwonlyargs] == list(signature.parameters)[2:], name
        assert args.kwarg is None, name  # (no **fields: a keyword the method does not take is a checker's error)
        stubbed_params = [*args.posonlyargs[1:], *args.kwonlyargs]
        defaults = [*args.defaults, *args.kw_defaults]
        for param, default, (pname, parameter) in zip(
            stubbed_params, defaults, list(signature.parameters.items())[1:], strict=True
        ):
            assert param.annotation is not None and ast.unparse(param.annotation) == same(parameter.annotation), name
            assert default is not None, (name, pname)
            wanted = ... if parameter.default is REQUIRED else parameter.default
            assert ast.literal_eval(default) == wanted, (name, pname)
        assert stubbed.returns is not None and ast.unparse(stubbed.returns) == same(signature.return_annotation), name
        assert ast.get_docstring(stubbed) == inspect.getdoc(method), name


def test_a_body_keyword_takes_its_model_a_record_read_or_a_dict() -> None:
    # As validation takes it: typed as the body model alone, a dict or a record read passed back was a checker's
    # error though the call was right.
    put = inspect.signature(Gradebook.put_result).parameters["result"].annotation
    assert put == "TimebackPutResultBody | TimebackResult | Mapping[str, Any]"
    batch = inspect.signature(Gradebook.create_result_for_line_item).parameters["results"].annotation
    assert batch == "Iterable[TimebackCreateResultBody | TimebackResult | Mapping[str, Any]]"


def test_writing_the_stub_leaves_the_old_one_whole_when_rendering_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (``python -m timeback._stubs > _methods.pyi`` emptied the file before an error in rendering: every method then
    # unknown to type checkers)
    from timeback import _stubs

    stub = tmp_path / "_methods.pyi"
    stub.write_text("old")
    monkeypatch.setattr(_stubs, "STUB", stub)

    def failing() -> str:
        raise KeyError("SomeNewType")

    with monkeypatch.context() as patched:
        patched.setattr(_stubs, "render", failing)
        with pytest.raises(KeyError):
            _stubs.write()
    assert stub.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["_methods.pyi"]
    _stubs.write()
    assert stub.read_text() == render() and [p.name for p in tmp_path.iterdir()] == ["_methods.pyi"]
