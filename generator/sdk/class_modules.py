"""class_modules: each model and enum in a module of its own, inside the SDK's `models/`.

Importing a module runs every class statement in it, and at thousands of schemas that is
most of an import: one module per class, imported on first use through the `models`
index, makes `import pkg` and one model cost the same at 20 schemas as at 2,000. A
model's module imports its base class when it runs (the class statement needs it); the
classes its annotations name are imported for type checkers only, and the classes its
field codecs name are read as `_m.Name` from the index when the model's field tables are
first built (`_runtime.Model._bind`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.codestyle import LINE_LENGTH
from generator.sdk.escape import Code
from generator.sdk.ir import EnumType
from generator.sdk.naming import natural_order, snake_case, unique_names

if TYPE_CHECKING:
    from generator.sdk.render import ModelView

# How a model's module names the models index (`from .. import models as _m`).
MODELS_ALIAS = "_m"
# Module file names stay well inside every file system's 255-byte limit.
_MAX_MODULE_CHARS = 80


@dataclass(frozen=True)
class ClassModule:
    """One class's module: ``model`` or ``enum`` is the class; ``imports`` are the import
    lines run at import time, ``type_imports`` those under `if TYPE_CHECKING:`."""

    module: Code
    class_name: Code
    model: ModelView | None
    enum: EnumType | None
    imports: tuple[Code, ...]
    type_imports: tuple[Code, ...]


def module_names(class_names: Iterable[str]) -> dict[str, str]:
    """Class name -> its module's name: `_` and the snake_case name, lower case (two
    names that differ only in case must not meet on a case-insensitive disk), unique."""
    return unique_names(
        (name, "_" + (snake_case(name)[:_MAX_MODULE_CHARS].rstrip("_") or "model"))
        for name in class_names
    )


def enum_module(enum: EnumType, modules: Mapping[str, str]) -> ClassModule:
    name = enum.python_name
    return ClassModule(
        Code(modules[name]),
        Code(name),
        None,
        enum,
        (Code("from .. import _runtime as _rt"),),
        (),
    )


def model_module(
    view: ModelView, words: AbstractSet[str], modules: Mapping[str, str]
) -> ClassModule:
    """``words`` are the identifiers the class and its field table use (`render._words`)."""
    name = view.model.python_name
    base = view.base_class if view.base_class in modules else None
    named = sorted((words & modules.keys()) - {name, base}, key=lambda n: natural_order(modules[n]))
    type_imports = tuple(Code(_import(modules[n], n, "    ")) for n in named)
    lines: list[str] = []
    if "_builtins" in words:
        lines.append("import builtins as _builtins")
    if "_datetime" in words:
        lines.append("import datetime as _datetime")
    lines.extend(_from("datetime", ("date", "datetime"), words))
    typing_names = {"TYPE_CHECKING"} if type_imports else set()
    lines.extend(_from("typing", ("TYPE_CHECKING", "Any", "Literal"), words | typing_names))
    relative: list[str] = []
    uses_rt = "_rt" in words or base is None or bool(view.own)
    if uses_rt:
        relative.append("from .. import _runtime as _rt")
    if MODELS_ALIAS in words:
        relative.append(f"from .. import models as {MODELS_ALIAS}")
    relative.extend(_from(".._runtime", ("UNSET", "UnsetType"), words))
    if base is not None:
        relative.append(_import(modules[base], base, ""))
    if lines and relative:
        lines.append("")
    lines.extend(relative)
    return ClassModule(
        Code(modules[name]), Code(name), view, None, tuple(map(Code, lines)), type_imports
    )


def _from(module: str, candidates: tuple[str, ...], words: AbstractSet[str]) -> list[str]:
    used = [n for n in candidates if n in words]
    return [f"from {module} import {', '.join(used)}"] if used else []


def _import(module: str, name: str, indent: str) -> str:
    """`from .module import Name`, in brackets as black puts it when too long (the lines
    after the first carry ``indent`` themselves; the template indents the first)."""
    line = f"from .{module} import {name}"
    if len(indent) + len(line) <= LINE_LENGTH:
        return line
    return f"from .{module} import (\n{indent}    {name},\n{indent})"
