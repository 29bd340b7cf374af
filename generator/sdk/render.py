"""render: the IR to files, through the Jinja2 templates in templates/package/.

Decisions are made here, in Python: type annotations, codecs, validator checks, import
lists. Templates get them as ready `Code` values plus raw text that they must pass
through an escaping filter (see `generator.sdk.escape`). Templates hold layout only.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.cache import Cache
from generator.errors import InputError
from generator.sdk import escape, fake_table
from generator.sdk.class_modules import (
    MODELS_ALIAS,
    ClassModule,
    enum_module,
    model_module,
    module_names,
)
from generator.sdk.escape import Code, pyliteral, pystr
from generator.sdk.ir import (
    Api,
    ArrayOf,
    Constraints,
    EnumRef,
    EnumType,
    Field,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Parameter,
    Primitive,
    Server,
    TypeRef,
    UnionOf,
)
from generator.sdk.layout import layout
from generator.sdk.load import MAX_CODE_CHARS
from generator.sdk.naming import natural_order
from generator.sdk.render_cache import RenderCache

PACKAGE_TEMPLATES = "package"
# A template whose name holds this is rendered once per model and enum, as the module of
# that class (`models/__model__.py.j2` -> `models/_access_campaign.py`).
PER_CLASS = "__model__"


def bundled_templates() -> Path:
    """templates/ of a source checkout, or generator/templates inside an installed wheel."""
    here = Path(__file__).resolve().parents[1]  # the generator package
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / PACKAGE_TEMPLATES).is_dir():
            return candidate
    raise FileNotFoundError("apigen's templates are missing from this installation")


@functools.cache
def verbatim_texts() -> frozenset[str]:
    """The bundled `.py` files copied into every SDK as they are (not templates). They are
    kept black-formatted (tests/test_layout.py holds them so), so black would change nothing."""
    root = bundled_templates() / PACKAGE_TEMPLATES
    return frozenset(path.read_text(encoding="utf-8") for path in root.rglob("*.py"))


def environment(overrides: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: StrictUndefined, no autoescape (not HTML), finalize guard.

    A user's override folder comes first, so its files replace bundled ones by name and
    can still `{% extends "package/..." %}` the bundled ones through the `bundled/` prefix.
    """
    bundled = jinja2.FileSystemLoader(str(bundled_templates()))
    loaders: list[jinja2.BaseLoader] = []
    if overrides is not None:
        loaders.append(jinja2.FileSystemLoader(str(overrides)))
    loaders.append(bundled)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.PrefixLoader({"bundled": bundled})]),
        undefined=jinja2.StrictUndefined,
        finalize=escape.finalize,
        autoescape=False,
        keep_trailing_newline=True,
        auto_reload=False,  # no file check per `{% include %}`: one per operation otherwise
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(escape.FILTERS)
    env.filters["layout"] = layout
    return env


# -- types --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """Schema name -> class name, for models and enums."""

    classes: Mapping[str, str]
    enums: frozenset[str]
    # Each model's required JSON names, its ancestors' included: what a union option needs.
    required: Mapping[str, tuple[str, ...]]


_PRIMITIVE_ANNOTATIONS = {
    ("string", "date-time"): "datetime",
    ("string", "date"): "date",
    ("integer", None): "int",
    ("number", None): "float",
    ("boolean", None): "bool",
    ("null", None): "None",
    # Any JSON value: `object`, not `Any`, so that a user's code must check what it got
    # before using it (mypy --strict then catches what `Any` would let through).
    ("any", None): "object",
}
# The JSON type names a value of a primitive kind has (`_runtime.union_of` matches on them).
_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def or_none(text: str) -> str:
    """An annotation that also allows None (once: `None` and `Literal[1] | None` stay)."""
    return text if "None" in text.split(" | ") else text + " | None"


def annotation(type_ref: TypeRef, names: _Names) -> str:
    if isinstance(type_ref, Primitive):
        key = (type_ref.kind, type_ref.format if type_ref.kind == "string" else None)
        return _PRIMITIVE_ANNOTATIONS.get(key, "str" if type_ref.kind == "string" else "object")
    if isinstance(type_ref, (ModelRef, EnumRef)):
        return names.classes[type_ref.name]
    if isinstance(type_ref, ArrayOf):
        item = annotation(type_ref.item, names)
        return f"list[{or_none(item) if type_ref.nullable_items else item}]"
    if isinstance(type_ref, MapOf):
        value = annotation(type_ref.value, names)
        return f"dict[str, {or_none(value) if type_ref.nullable_values else value}]"
    if isinstance(type_ref, LiteralOf):
        # A float cannot be a `Literal`; the validator still checks the exact values.
        if any(isinstance(v, float) for v in type_ref.values):
            return "float | int" if all(type(v) in (int, float) for v in type_ref.values) else "object"
        values = [v for v in type_ref.values if v is not None]
        text = f"Literal[{', '.join(pyliteral(v) for v in values)}]" if values else "None"
        return text + (" | None" if values and None in type_ref.values else "")
    return " | ".join(dict.fromkeys(annotation(o, names) for o in type_ref.options))


def kind(type_ref: TypeRef, names: _Names, via: str = "") -> str | None:
    """The runtime's kind of a value (`_runtime.Kind`): how it goes between JSON and
    Python, both ways. None where the JSON value is the Python value. Classes are spelled
    ``via`` + name: a model's module reads them as `_m.Name` from the models index, on
    first use, so that importing one model does not import the models it refers to."""
    if isinstance(type_ref, Primitive):
        if type_ref.kind == "string" and type_ref.format == "date-time":
            return "_rt.DATETIME"
        if type_ref.kind == "string" and type_ref.format == "date":
            return "_rt.DATE"
        return None
    if isinstance(type_ref, (EnumRef, ModelRef)):
        return via + names.classes[type_ref.name]
    if isinstance(type_ref, ArrayOf):
        return f"_rt.list_of({kind(type_ref.item, names, via)})"
    if isinstance(type_ref, MapOf):
        return f"_rt.map_of({kind(type_ref.value, names, via)})"
    if isinstance(type_ref, LiteralOf):
        return None
    return _union_kind(type_ref, names, via)


def _json_type(type_ref: TypeRef) -> str:
    """The JSON type a value of ``type_ref`` has ("" for any), for a union's decoder."""
    if isinstance(type_ref, Primitive):
        return _JSON_TYPES.get(type_ref.kind, "")
    if isinstance(type_ref, EnumRef):
        return "string"
    if isinstance(type_ref, ArrayOf):
        return "array"
    if isinstance(type_ref, (ModelRef, MapOf)):
        return "object"
    return ""


def _union_kind(union: UnionOf, names: _Names, via: str) -> str | None:
    """A union's codec: the discriminator's choice, else the first option (in the spec's
    order) whose JSON type and required properties the value has and that decodes.
    None when every option is JSON as it is."""
    kinds = [kind(o, names, via) for o in union.options]
    if all(k is None for k in kinds) and union.discriminator is None:
        return None
    options = []
    for option, option_kind in zip(union.options, kinds, strict=True):
        required = names.required[option.name] if isinstance(option, ModelRef) else ()
        options.append(
            f"({pystr(_json_type(option))}, {pyliteral(required)}, {option_kind or 'None'})"
        )
    text = f"_rt.union_of(({', '.join(options)},)"
    found = union.discriminator
    if found is not None:
        mapping = ", ".join(f"{pystr(tag)}: {via}{names.classes[m]}" for tag, m in found.mapping)
        text += f", discriminator=({pystr(found.property)}, {{{mapping}}})"
    return text + ")"


def check(
    type_ref: TypeRef,
    constraints: Constraints,
    names: _Names,
    enums: Mapping[str, EnumType],
    nullable: bool = False,
) -> str:
    """A validator check expression for a value of ``type_ref`` (None allowed if ``nullable``).

    Scalar checks take `nullable=True` themselves (one call less per value); the others are
    wrapped in `_v.nullable`.
    """
    c = constraints
    scalar: tuple[str, dict[str, Any]] | None = None
    if isinstance(type_ref, Primitive):
        if type_ref.kind == "string":
            fmt = type_ref.format if type_ref.format in ("date-time", "date", "uuid") else None
            scalar = "string", {
                "fmt": fmt,
                "min_length": c.min_length,
                "max_length": c.max_length,
                "pattern": c.pattern,
            }
        elif type_ref.kind in ("integer", "number"):
            scalar = type_ref.kind, {
                "minimum": c.minimum,
                "maximum": c.maximum,
                "exclusive_minimum": c.exclusive_minimum or None,
                "exclusive_maximum": c.exclusive_maximum or None,
            }
        elif type_ref.kind == "boolean":
            scalar = "boolean", {}
        elif type_ref.kind == "null":
            return "_v.null()"
        else:
            return "_v.anything()"
    elif isinstance(type_ref, LiteralOf):
        scalar = "literal", {"values": type_ref.values}
    elif isinstance(type_ref, EnumRef):
        scalar = "string", {"enum": tuple(m.value for m in enums[type_ref.name].members)}
    if scalar is not None:
        kind, args = scalar
        return f"_v.{kind}({_kwargs(**args, nullable=True if nullable else None)})"
    if isinstance(type_ref, ModelRef):
        text = f"_v.Lazy(_CHECKS, {pystr(names.classes[type_ref.name])})"
    elif isinstance(type_ref, ArrayOf):
        items = check(type_ref.item, Constraints(), names, enums, type_ref.nullable_items)
        bounds = _kwargs(min_items=c.min_items, max_items=c.max_items)
        text = f"_v.array({items}{', ' + bounds if bounds else ''})"
    elif isinstance(type_ref, MapOf):
        values = check(type_ref.value, Constraints(), names, enums, type_ref.nullable_values)
        text = f"_v.mapping({values})"
    elif isinstance(type_ref, UnionOf):
        options = ", ".join(check(o, c, names, enums) for o in type_ref.options)
        text = f"_v.union(({options},){', exclusive=True' if type_ref.exclusive else ''}"
        if type_ref.discriminator is not None:
            found = type_ref.discriminator
            mapping = ", ".join(
                f"{pystr(tag)}: _v.Lazy(_CHECKS, {pystr(names.classes[m])})"
                for tag, m in found.mapping
            )
            text += f", discriminator=({pystr(found.property)}, {{{mapping}}})"
        text += ")"
    else:
        raise TypeError(f"no check for {type_ref!r}")
    return f"_v.nullable({text})" if nullable else text


# Module-level names annotations use, which a field of the same name would hide from the
# rest of its class body: where a class has such a field, its annotations spell the name
# through a private module alias instead (the field keeps its name; only the spelling changes).
_SHADOWABLE = {
    **{
        name: f"_builtins.{name}"
        for name in ("str", "int", "float", "bool", "bytes", "list", "dict", "object")
    },
    "date": "_datetime.date",
    "datetime": "_datetime.datetime",
}


def _unshadowed(own: tuple[FieldView, ...]) -> tuple[FieldView, ...]:
    """A class's own fields, their annotations spelling `_builtins.str` or
    `_datetime.date` where a field named `str`, `date`, ... would otherwise hide the type
    from later annotations in the class body."""
    hidden = _SHADOWABLE.keys() & {view.field.python_name for view in own}
    if not hidden:
        return own
    word = re.compile(rf"(?<![\w.\"'])({'|'.join(sorted(hidden))})(?![\w\"'])")
    return tuple(
        dataclasses.replace(
            view, annotation=Code(word.sub(lambda m: _SHADOWABLE[m.group(1)], view.annotation))
        )
        for view in own
    )


def _kwargs(**values: Any) -> str:
    return ", ".join(f"{k}={pyliteral(v)}" for k, v in values.items() if v is not None)


# -- views ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    field: Field
    annotation: Code
    kind: Code | None
    check: Code
    # The class default: `UNSET`, or `_rt.required()` for a field every instance must give.
    default: Code


@dataclass(frozen=True)
class ModelView:
    model: Model
    base_class: Code
    odata_type: Code
    own: tuple[FieldView, ...]
    all_fields: tuple[FieldView, ...]
    required: Code
    own_required: Code
    base_key: Code | None
    subtypes: tuple[tuple[Code, Code], ...]
    # For a subtype named by `@odata.type`: its dispatch key and the ancestors it is
    # dispatched from (each subtype registers itself, so no base lists all of them).
    dispatch_key: Code | None
    ancestors: Code
    # The family's discriminator property when it is not `@odata.type` (`root_tag`: only
    # on the root, which the subtypes inherit it from at run time).
    tag: Code | None
    root_tag: Code | None


@dataclass(frozen=True)
class ParamView:
    name: str
    python_name: str
    location: str
    annotation: Code
    required: bool
    description: str


@dataclass(frozen=True)
class OperationView:
    """One operation for the client templates.

    ``returns`` is what the method returns (for a pageable list: the item type);
    ``result_kind`` is how the JSON answer (or each item) becomes it (`_runtime.Kind`),
    None for an empty or non-JSON answer. ``body_kind`` is the body's model class,
    `_rt.JSON` for any other JSON body, or the body's encoding ("form", "multipart",
    "binary", "text"). ``checks`` is strict mode's (body, answer) check keys when they are
    not the models' own (see `_http._Method`), else None.
    """

    op: Operation
    method: Code
    path: Code
    params: tuple[ParamView, ...]
    # The decorator's arguments after the path: parameters by place and style, body,
    # answer, checks and security, each given only when not its default.
    decorator_args: Code
    body_annotation: Code | None
    body_kind: Code | None
    returns: Code
    result_kind: Code | None
    checks: Code | None
    paged: bool
    # A delta function's list: `@get.delta`, with a `delta_link` keyword.
    delta: bool
    # The body is bytes, a file or a path: the method also takes ``content_type``.
    binary_body: bool = False


def _name_kind(name: str) -> int:
    """isort's and ruff's kind of a name: 0 CONSTANT, 1 Class, 2 anything else (a one-letter
    upper-case name such as `M` is a class to them, not a constant)."""
    return 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2


def export_order(names: Iterable[str]) -> list[str]:
    """Names sorted as linters expect `__all__`: CONSTANTS, then Classes, then the rest."""
    return sorted(names, key=lambda name: (_name_kind(name), natural_order(name)))


def import_order(names: Iterable[str]) -> list[str]:
    """Names sorted as isort and ruff order the members of a `from ... import (...)`: by
    kind (CONSTANTS, Classes, the rest), then case-insensitively, numbers by value
    (`CheckinItem` before `CheckMemberGroups`, which a plain sort puts the other way)."""
    return sorted(
        names,
        key=lambda name: (_name_kind(name), natural_order(name.lower()), natural_order(name)),
    )


def _models_base_first(models: Sequence[Model]) -> list[Model]:
    by_name = {m.name: m for m in models}
    ordered: list[Model] = []
    placed: set[str] = set()

    def place(model: Model) -> None:
        if model.name in placed:
            return
        if model.base is not None:
            place(by_name[model.base])
        placed.add(model.name)
        ordered.append(model)

    for model in models:
        place(model)
    return ordered


class _Builder:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.enums = {e.name: e for e in api.enums}
        self.models = {m.name: m for m in api.models}
        self.names = _Names(
            classes={
                **{m.name: m.python_name for m in api.models},
                **{e.name: e.python_name for e in api.enums},
            },
            enums=frozenset(e.name for e in api.enums),
            required={
                m.name: tuple(f.json_name for a in self.chain(m) for f in a.fields if f.required)
                for m in api.models
            },
        )
        self.checks: dict[str, str] = {}
        self.operation_checks: set[str] = set()  # shared checks strict mode looks up by name
        # Each model's discriminated descendants, found once: O(models x depth), not squared.
        self.descendants: dict[str, list[Model]] = {}
        for m in api.models:
            if m.discriminator_value:
                for ancestor in self.chain(m)[:-1]:
                    self.descendants.setdefault(ancestor.name, []).append(m)
        self.partial = self._partial_models()
        self.budget = MAX_CODE_CHARS
        # By id: the IR's fields live as long as this builder, and each is shared by the
        # model that declares it and every subclass.
        self.field_views: dict[int, tuple[FieldView, int]] = {}

    def _partial_models(self) -> frozenset[str]:
        """Models sent as PATCH bodies, which carry only what changes: with their ancestors
        (which declare fields they have) and descendants, their required fields may be
        left unset."""
        found: set[str] = set()
        for op in self.api.operations:
            body = op.request_body.type if op.request_body is not None else None
            if op.method == "PATCH" and isinstance(body, ModelRef):
                model = self.models[body.name]
                found.update(m.name for m in self.chain(model))
                found.update(m.name for m in self.descendants.get(model.name, ()))
        return frozenset(found)

    def spend(self, *texts: str) -> None:
        """Charge generated code against `MAX_CODE_CHARS`, so a small spec that expands a
        lot (enum values inlined per use, fields repeated per subclass) fails early."""
        self.charge(sum(len(text) for text in texts))

    def charge(self, chars: int) -> None:
        self.budget -= chars
        if self.budget < 0:
            raise InputError(
                f"the spec would generate more than {MAX_CODE_CHARS // 1_000_000} MB of code; "
                "split it or trim its enums and inheritance"
            )

    def field_view(self, field: Field, partial: bool) -> FieldView:
        """A field's view, made once per field (a subclass repeats its ancestors' fields in
        `.all_fields`) and charged at each use. A required field is typed without
        `UnsetType`, unless its model is ``partial`` (sent as a PATCH body)."""
        made = self.field_views.get(id(field))
        if made is None:
            optional = partial or not field.required
            text = annotation(field.type, self.names)
            if field.nullable:
                text = or_none(text)
            field_kind = kind(field.type, self.names, MODELS_ALIAS + ".")
            value_check = self.shared_check(
                check(field.type, field.constraints, self.names, self.enums, field.nullable)
            )
            view = FieldView(
                field,
                Code(text + " | UnsetType" if optional else text),
                None if field_kind is None else Code(field_kind),
                Code(value_check),
                Code("UNSET" if optional else "_rt.required()"),
            )
            chars = sum(map(len, (text, value_check, field.json_name, field.description)))
            made = self.field_views[id(field)] = (view, chars)
        self.charge(made[1])
        return made[0]

    def operation_check(self, type_ref: TypeRef) -> Code:
        """The key in the validators' `_CHECKS` of a request body's or an answer's check
        (strict mode): a model's class name, or the `_C<n>` name of any other check
        (class names never start with `_`, so the two cannot meet)."""
        return pystr(self.check_key(type_ref))

    def check_key(self, type_ref: TypeRef) -> str:
        """`operation_check`'s key as plain text."""
        if isinstance(type_ref, ModelRef):
            return self.names.classes[type_ref.name]
        name = self.shared_check(check(type_ref, Constraints(), self.names, self.enums))
        self.operation_checks.add(name)
        return name

    def shared_check(self, expression: str) -> str:
        """Each distinct field check is built once at import and named `_C<n>`: models
        share most of them (a plain string, an int32, an enum used in many places)."""
        name = self.checks.get(expression)
        if name is None:
            name = self.checks[expression] = f"_C{len(self.checks)}"
        return name

    def chain(self, model: Model) -> list[Model]:
        chain = [model]
        while chain[-1].base is not None:
            chain.append(self.models[chain[-1].base])
        return list(reversed(chain))

    def model_view(self, model: Model) -> ModelView:
        own = _unshadowed(
            tuple(self.field_view(f, model.name in self.partial) for f in model.fields)
        )
        all_fields: list[FieldView] = []
        required: list[str] = []
        for ancestor in self.chain(model):
            for field in ancestor.fields:
                all_fields.append(self.field_view(field, ancestor.name in self.partial))
                if field.required:
                    required.append(field.json_name)
        # Keyed as `_runtime._odata_key` reads a value: two values that differ only in case
        # are one key there, and the later subtype in the spec's order takes it, as the
        # validators' `register_subtype` calls do.
        subtypes = sorted(
            {
                (m.discriminator_value or "").lstrip("#").lower(): m.python_name
                for m in self.descendants.get(model.name, ())
            }.items()
        )
        base = self.names.classes[model.base] if model.base else "_rt.Model"
        return ModelView(
            model=model,
            base_class=Code(base),
            odata_type=pyliteral(model.discriminator_value),
            own=own,
            all_fields=tuple(all_fields),
            required=pyliteral(tuple(required)),
            own_required=pyliteral(tuple(f.json_name for f in model.fields if f.required)),
            base_key=pystr(self.names.classes[model.base]) if model.base else None,
            subtypes=tuple((pystr(key), pystr(name)) for key, name in subtypes),
            dispatch_key=(
                pystr(model.discriminator_value.lstrip("#").lower())
                if model.discriminator_value
                else None
            ),
            ancestors=pyliteral(tuple(self.names.classes[a.name] for a in self.chain(model)[:-1])),
            tag=next(
                (pystr(a.discriminator) for a in reversed(self.chain(model)) if a.discriminator),
                None,
            ),
            root_tag=pystr(model.discriminator) if model.discriminator else None,
        )

    def operation_view(self, op: Operation) -> OperationView:
        params = tuple(
            ParamView(
                name=p.name,
                python_name=p.python_name,
                location=p.location,
                annotation=Code(
                    annotation(p.type, self.names) + ("" if p.required else " | UnsetType")
                ),
                required=p.required,
                description=p.description,
            )
            for p in op.parameters
        )
        body_annotation = body_kind = None
        checks: list[str | None] = [None, None]
        own_checks = True  # both checks are the models' own (or none)
        body = op.request_body
        if body is not None and body.encoding != "json":
            body_annotation = Code(_RAW_BODY_ANNOTATIONS[body.encoding])
            if body.encoding == "form" and isinstance(body.type, ModelRef):
                text = annotation(body.type, self.names)
                body_annotation = Code(f"{text} | {body_annotation}")
            body_kind = pystr(body.encoding)
        elif body is not None:
            text = annotation(body.type, self.names)
            if isinstance(body.type, ModelRef):
                body_annotation = Code(f"{text} | Mapping[str, Any]")
                body_kind = Code(kind(body.type, self.names, MODELS_ALIAS + ".") or "")
            else:
                body_annotation = Code(text)
                body_kind = Code("_rt.JSON")
                own_checks = False
            checks[0] = self.operation_check(body.type)
        success = op.success
        # A list that takes a body is returned as one page: the pages after the first are
        # fetched with GET from `@odata.nextLink`, which cannot carry the body again.
        paged = op.page_item is not None and op.request_body is None
        result_type = op.page_item if paged else (success.type if success else None)
        returns = Code("None")
        result_kind = answer = None
        if success is not None and success.encoding != "json":
            returns = Code("str" if success.encoding == "text" else "bytes")
            answer = pyliteral((success.encoding, success.content_type))
        elif result_type is not None:
            returns = Code(annotation(result_type, self.names))
            result_kind = Code(kind(result_type, self.names, MODELS_ALIAS + ".") or "_rt.JSON")
            checks[1] = self.operation_check(result_type)
            own_checks = own_checks and isinstance(result_type, ModelRef)
        self.spend(op.path, op.summary, op.description, *(p.description for p in params))
        self.spend(*(text for text in checks if text is not None))
        places = {
            location: tuple(_param_entry(p) for p in op.parameters if p.location == location)
            for location in ("query", "header", "cookie")
        }
        places["segments"] = tuple(
            _param_entry(p) for p in op.parameters if p.location == "path" and not p.default_style
        )
        args = {
            **{name: pyliteral(entries) if entries else None for name, entries in places.items()},
            "body": _deferred(body_kind),
            "content_type": (
                pystr(body.content_type)
                if body is not None and body.content_type != "application/json"
                else None
            ),
            "returns": _deferred(result_kind),
            "answer": answer,
            "checks": (
                None if own_checks else Code(f"({checks[0] or 'None'}, {checks[1] or 'None'})")
            ),
            "security": None if op.security is None else pyliteral(op.security),
        }
        decorator_args = "".join(
            f", {name}={value}" for name, value in args.items() if value is not None
        )
        return OperationView(
            op=op,
            method=Code(op.method.lower()),
            path=pystr(op.path),
            params=params,
            decorator_args=Code(decorator_args),
            body_annotation=body_annotation,
            body_kind=body_kind,
            returns=returns,
            result_kind=result_kind,
            checks=args["checks"],
            paged=paged,
            delta=paged and op.delta,
            binary_body=body is not None and body.encoding == "binary",
        )


def _deferred(kind_text: Code | None) -> Code | None:
    """A decorator's kind that names a model, as a function returning it (`_http.Deferred`):
    the client names models only when an operation is first used, so importing it does not
    import every model."""
    if kind_text is None or f"{MODELS_ALIAS}." not in kind_text:
        return kind_text
    return Code(f"lambda: {kind_text}")


# What a body that is not JSON is given as.
_RAW_BODY_ANNOTATIONS = {
    "form": "Mapping[str, Any]",
    "multipart": "Mapping[str, Any]",
    "binary": "_http.BinaryBody",
    "text": "str",
}


def _param_entry(param: Parameter) -> str | tuple[str, str, bool]:
    """A parameter as the decorators list it: its name, or (name, style, explode) when its
    style is not its place's default."""
    if param.default_style:
        return param.name
    return (param.name, param.style, param.explode)


# The template contract: every value each template receives, in one place. The README's
# table is generated from this, and render_package checks it against what it passes.
TEMPLATE_CONTEXT: dict[str, str] = {
    "api": "`ir.Api`: title, version, description, servers, models, enums, operations (raw text: filter it)",
    "info": "`PackageInfo`: package, distribution, version (raw text: filter it), example (the "
    "build's `example` file's Python source, or None)",
    "package": "the package name as `Code` (an identifier)",
    "models": "`ModelView`s, bases first: `.model` (`ir.Model`), `.base_class`, `.base_key`, `.odata_type`, `.own` "
    "and `.all_fields` (`FieldView`: `.field`, `.annotation`, `.kind` (None: JSON as is), `.check`, `.default` (`UNSET` or `_rt.required()`)), `.required`, "
    "`.own_required`, `.subtypes`, `.dispatch_key`, `.ancestors`, `.tag` and `.root_tag` (a discriminator "
    "property other than `@odata.type`: the family's, the root's own)",
    "enums": "`ir.EnumType`s: `.name`, `.python_name`, `.members` (`.value`, `.python_name`), `.evolvable`",
    "operations": "`OperationView`s: `.op` (`ir.Operation`), `.path`, `.params` (`ParamView`: path, query, header, "
    "cookie ones), `.method` (lower case), `.decorator_args` (after the path), `.body_annotation`, `.body_kind`, "
    "`.returns`, `.result_kind`, `.checks`, `.paged`, `.delta`, `.binary_body` (the body is bytes, a file or a path)",
    "base_url": "the spec's first server, its variables at their defaults, as a Python string literal (`Code`)",
    "has_base_url": "whether the spec names a server (bool)",
    "servers": "the servers as `_http.ServerTemplate` literals (`Code`) when the client may choose one "
    "(several servers, or variables), else empty",
    "security_schemes": "(name, `_http.Scheme(...)` expression) pairs (`Code`) of the schemes the client sends",
    "security": "the API's default security requirements as a literal (`Code`): `None` when the spec states none",
    "has_api_key": "whether a scheme sends an API key (bool)",
    "has_basic": "whether a scheme is HTTP basic (bool)",
    "model_exports": "class names for `models.__all__`, in linter order (`Code`)",
    "model_modules": "(class name, module name) pairs (`Code`) for the `models` index, in the "
    "modules' import order: each model and enum lives in `models/<module>.py`",
    "module": "in `models/__model__.py.j2` only (rendered once per class; None elsewhere): a "
    "`ClassModule`: `.module`, `.class_name`, `.model` (a `ModelView`) or `.enum` (an "
    "`ir.EnumType`), `.imports` and `.type_imports` (import lines, `Code`)",
    "model_imports": "class names sorted for an import list (`Code`)",
    "validator_exports": "names for `validators.__all__` (`Code`)",
    "package_exports": "names for the package's `__all__` besides the models' (`Code`)",
    "client_uses": "identifiers used by client annotations and codecs (set of str)",
    "client_classes": "model and enum classes the client needs to import (`Code`)",
    "has_pages": "whether any operation is a pageable list (bool)",
    "upload_item": "(annotation, kind) of the item `upload_large_file` returns (`Code`): the "
    "driveItem model when there is one; None when no operation creates an upload session",
    "client_needs_rt": "whether the client module uses the runtime module (bool)",
    "has_optional_params": "whether any operation has an optional parameter (bool)",
    "shared_checks": "(name, check expression) pairs the validators module defines once (`Code`)",
    "operation_checks": "the shared checks' names that operations' `.checks` use (`Code`)",
    "fake_operations": "the test double's table: one `_fake.OperationSpec` literal per operation (`Code`; "
    "roles from `generator.sdk.fake_table`)",
}


def template_contract_markdown() -> str:
    """The template contract as a Markdown table, for the README."""
    rows = ["| name | what templates get |", "|---|---|"]
    rows.extend(f"| `{name}` | {text} |" for name, text in TEMPLATE_CONTEXT.items())
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class PackageInfo:
    """What the generated project is called and versioned as (from config or CLI)."""

    package: str
    distribution: str
    version: str
    # The build's example app (Python source, shown in the README), when it names one.
    example: Code | None = None


# What a generated package exports besides its models and enums (see __init__.py.j2).
_PACKAGE_NAMES = (
    "UNSET",
    "ApiError",
    "ApiResponse",
    "AsyncBatch",
    "AsyncClient",
    "AsyncDeltaIterator",
    "AuthError",
    "BadRequestError",
    "Batch",
    "BatchError",
    "BatchItem",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "CredentialError",
    "DecodeError",
    "DeltaIterator",
    "FilePart",
    "InvalidRequestError",
    "NotFoundError",
    "Page",
    "PagingError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "SdkError",
    "ServerError",
    "ThrottledError",
    "TransportError",
    "UnsetType",
    "ValidationError",
    "validators",
)

# Names, not attributes: `_datetime.date` uses `_datetime` only.
_WORD = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")


def _words(texts: Iterable[str]) -> set[str]:
    """The identifiers used in code fragments apigen made, to import only what is used."""
    found: set[str] = set()
    for text in texts:
        found.update(_WORD.findall(text))
    return found


def _model_words(models: Sequence[ModelView]) -> set[str]:
    return _words(
        t
        for view in models
        # Every field is some class's own field (`all_fields` repeats inherited ones, spelled
        # as in their own class); `own` holds the spelling the module really uses.
        for f in view.own
        for t in (f.annotation, f.kind, f.default)
        if t
    )


def _client_words(operations: Sequence[OperationView]) -> set[str]:
    texts: list[str] = []
    for view in operations:
        texts.extend(p.annotation for p in view.params)
        for value in (view.body_annotation, view.body_kind, view.returns, view.result_kind):
            if value is not None:
                texts.append(value)
    return _words(texts)


def _upload_item(api: Api) -> tuple[Code, Code] | None:
    """What `upload_large_file` decodes the finished upload's item into: (annotation,
    kind), the driveItem model when the spec has one, else JSON; None when no operation
    creates an upload session (the client then has no such helper)."""
    sessions = any(
        op.path.rstrip("/").rsplit("/", 1)[-1].split("(")[0].lower() == "createuploadsession"
        for op in api.operations
    )
    if not sessions:
        return None
    for model in api.models:
        if model.name.rsplit(".", 1)[-1] == "driveItem":
            return Code(model.python_name), Code(f"{MODELS_ALIAS}.{model.python_name}")
    return Code("dict[str, Any]"), Code("_rt.JSON")


def _default_url(server: Server) -> str:
    """The server's URL with its variables at their defaults; empty when one has none
    (a template is never used unfilled)."""
    url = server.url
    for variable in server.variables:
        if variable.default is None:
            return ""
        url = url.replace("{" + variable.name + "}", variable.default)
    return url


def _server_literals(servers: Sequence[Server]) -> list[Code]:
    """Each server as `(url template, {name: (default, allowed values)})`, when the client
    has a choice to make (several servers, or variables); else none."""
    if len(servers) < 2 and not any(s.variables for s in servers):
        return []
    result = []
    for server in servers:
        variables = ", ".join(
            f"{pystr(v.name)}: ({pyliteral(v.default)}, {pyliteral(v.enum)})"
            for v in server.variables
        )
        result.append(Code(f"({pystr(server.url)}, {{{variables}}})"))
    return result


def render_package(
    api: Api, info: PackageInfo, overrides: Path | None = None, cache: Cache | None = None
) -> dict[str, str]:
    """The generated SDK project as {relative path: text}, before formatting; templates
    come from ``cache`` (default: the "render" cache) when their inputs allow."""
    env = environment(overrides)
    _check_overrides(overrides)
    builder = _Builder(api)
    models = [builder.model_view(m) for m in _models_base_first(api.models)]
    operations = [builder.operation_view(op) for op in api.operations]
    class_names = import_order(
        {*(e.python_name for e in api.enums), *(m.python_name for m in api.models)}
    )
    # After the operations' views: the table reuses the body checks they named.
    fake_operations = fake_table.entries(api.operations, builder.check_key)
    modules = module_names(class_names)
    class_modules = [enum_module(e, modules) for e in api.enums] + [
        model_module(view, _model_words([view]), modules) for view in models
    ]
    upload_item = _upload_item(api)
    client_words = _client_words(operations) | _words(upload_item or ())
    context: dict[str, Any] = {
        "api": api,
        "info": info,
        "package": escape.ident(info.package),
        "models": models,
        "enums": list(api.enums),
        "operations": operations,
        "base_url": pystr(_default_url(api.servers[0]) if api.servers else ""),
        "has_base_url": bool(api.servers and _default_url(api.servers[0])),
        "servers": _server_literals(api.servers),
        "security_schemes": [
            (
                pystr(s.name),
                Code(
                    f"_http.Scheme({_kwargs(kind=s.kind, location=s.location or None, name=s.parameter or None)})"
                ),
            )
            for s in api.security_schemes
        ],
        "security": pyliteral(api.security),
        "has_api_key": any(s.kind == "apiKey" for s in api.security_schemes),
        "has_basic": any(s.kind == "basic" for s in api.security_schemes),
        "model_exports": [Code(n) for n in export_order(class_names)],
        "model_imports": [Code(n) for n in class_names],
        "model_modules": [
            (Code(n), Code(modules[n]))
            for n in sorted(class_names, key=lambda n: natural_order(modules[n]))
        ],
        "module": None,
        "validator_exports": [
            Code(n)
            for n in export_order(
                ["ValidationError", *(f"validate_{m.snake_name}" for m in api.models)]
            )
        ],
        "package_exports": [Code(n) for n in export_order(_PACKAGE_NAMES)],
        "client_uses": client_words,
        "client_classes": [Code(name) for name in class_names if name in client_words],
        "has_pages": any(view.paged for view in operations),
        "upload_item": upload_item,
        "client_needs_rt": "_rt" in client_words,
        "has_optional_params": any(not p.required for view in operations for p in view.params),
        "shared_checks": [
            (Code(name), Code(expression)) for expression, name in builder.checks.items()
        ],
        "operation_checks": [
            Code(name) for name in builder.checks.values() if name in builder.operation_checks
        ],
        "fake_operations": fake_operations,
    }
    assert context.keys() == TEMPLATE_CONTEXT.keys(), "update TEMPLATE_CONTEXT with the context"
    renderer = RenderCache(env, context, cache if cache is not None else Cache("render"))
    files: dict[str, str] = {}
    root = bundled_templates() / PACKAGE_TEMPLATES
    # An installed apigen's templates sit in site-packages, where pip byte-compiles the
    # runtime .py files into __pycache__: those are not templates.
    names = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    for name in names:
        target = name.removesuffix(".j2")
        target = target.replace("__package__", info.package)
        if PER_CLASS in name:
            files.update(_render_each(renderer, name, target, class_modules))
            continue
        if name.endswith(".j2"):
            text = renderer.render(f"{PACKAGE_TEMPLATES}/{name}")
        elif overrides is not None and (overrides / PACKAGE_TEMPLATES / name).is_file():
            text = (overrides / PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
        else:
            text = (root / name).read_text(encoding="utf-8")
        files[target] = text
    return files


def _render_each(
    renderer: RenderCache, name: str, target: str, class_modules: Sequence[ClassModule]
) -> dict[str, str]:
    """A per-class template rendered for each class, as {path: text}."""
    return {
        target.replace(PER_CLASS, str(m.module)): renderer.render_each(
            f"{PACKAGE_TEMPLATES}/{name}", {"module": m}
        )
        for m in class_modules
    }


# Templates of earlier apigen versions, and what replaced them.
_RETIRED_TEMPLATES = {
    "__package__/models.py.j2": "models/__init__.py.j2 (the models index) and "
    "models/__model__.py.j2 (each class's own module, with the model_methods block)",
}


def _check_overrides(overrides: Path | None) -> None:
    """A file in the override folder's package/ that names no bundled template would never
    be used: an error, not a quiet no-op (a template renamed since it was written, say)."""
    if overrides is None or not (overrides / PACKAGE_TEMPLATES).is_dir():
        return
    bundled = bundled_templates() / PACKAGE_TEMPLATES
    for path in sorted((overrides / PACKAGE_TEMPLATES).rglob("*")):
        name = path.relative_to(overrides / PACKAGE_TEMPLATES).as_posix()
        if path.is_file() and "__pycache__" not in path.parts and not (bundled / name).is_file():
            replaced = _RETIRED_TEMPLATES.get(name)
            hint = f"; it is now {replaced}" if replaced else "; it would never be used"
            raise InputError(f"no bundled template is named package/{name}{hint}", file=str(path))
