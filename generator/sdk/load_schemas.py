"""Schemas to the IR's types, models and enums (`generator.sdk.ir`).

Each component schema is classified once as a model (a class), an enum, or an alias of
another type (followed, with cycle detection, to what it names). Schemas written inline
(an object or a string enum as a property, an array item, a body or an answer) become
models and enums too, named from their place (`Pet` property `owner` -> `PetOwner`), so
no object is left as a bare dict. Models get their base (the first `allOf` object ref),
their own fields with constraints, and their `@odata.type` value; names become Python
identifiers through `generator.sdk.naming`. `type_of` is also what operations use for
their parameters, bodies and responses (`load_operations`), so every type in the IR is
made here: OpenAPI 3.0 `nullable` and 3.1 type arrays with "null", `const` and non-string
enums (`LiteralOf`), `oneOf`/`anyOf` (`UnionOf`, discriminated when the spec says how),
`allOf` over non-object members (merged), boolean schemas. What cannot be typed is `Any`
with a warning naming its JSON pointer; a schema that says nothing is `Any` quietly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from generator.sdk import naming
from generator.sdk.ir import (
    ArrayOf,
    Constraints,
    Discriminator,
    EnumMember,
    EnumRef,
    EnumType,
    Field,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Primitive,
    PrimitiveKind,
    TypeRef,
    UnionOf,
)
from generator.sdk.load_context import LoadContext, text
from generator.spec.io import escape_pointer_token, pointer
from generator.spec.openapi import HTTP_METHODS, PARTIAL_OF, SCHEMA_PREFIX
from generator.spec.patterns import pattern_problem

ODATA_TYPE = "@odata.type"
INT_BOUNDS = {
    "int8": (-(2**7), 2**7 - 1),
    "uint8": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
ANY = Primitive("any")
NULL = Primitive("null")
_SCALAR_KINDS: dict[str, PrimitiveKind] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}
# Validation keywords `constraints` reads.
_CONSTRAINTS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
)
# Keywords under which a schema holds schemas of its own, walked to find inline ones.
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# Keys that describe a value without constraining it.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly"}
)
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
# Every subclass repeats its ancestors' fields in its constructor and validator, so output
# grows with the square of the depth; Graph's deepest chains are under ten.
MAX_INHERITANCE_DEPTH = 32


def _nullable_ref(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool] | None:
    """Recognise the spellings of "this ref, or null".

    `anyOf`/`oneOf` [ref, {nullable: true}] (Graph's own form) and `allOf` [ref] with a
    sibling `nullable: true`: returns (the ref schema, nullable) or None.
    """
    for key in ("anyOf", "oneOf", "allOf"):
        parts = schema.get(key)
        if not isinstance(parts, list) or not parts:
            continue
        refs = [p for p in parts if isinstance(p, Mapping) and "$ref" in p]
        nulls = [
            p
            for p in parts
            if isinstance(p, Mapping)
            and "$ref" not in p
            and p.get("nullable") is True
            and len(p) <= 2
        ]
        if len(refs) == 1 and len(refs) + len(nulls) == len(parts):
            return refs[0], bool(nulls) or schema.get("nullable") is True
    return None


class SchemaLoader:
    """The schemas of one spec, read into models and enums (in that order of calls:
    `classify`, then `build_enums` and `build_models`).

    A schema is known by a key: a component's name, or for an inline model or enum the
    JSON pointer of the place it is written (found once, by the object's identity, when
    `type_of` meets it again)."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.models: dict[str, Model] = {}
        self.enums: dict[str, EnumType] = {}
        self._kinds: dict[str, str] = {}
        self._alias_targets: dict[str, TypeRef] = {}
        self._class_names: dict[str, str] = {}
        self._schemas: dict[str, Any] = {}
        self._ptrs: dict[str, str] = {}
        self._inline: dict[int, str] = {}
        self._places: dict[str, tuple[str, ...]] = {}
        self._objects: dict[str, bool] = {}

    def schema(self, key: str) -> Any:
        """The schema a model's or enum's key names (component or inline)."""
        return self._schemas.get(key)

    def classify(self) -> None:
        """Decide for each schema: model, enum or alias (with cycle checks)."""
        for name, schema in sorted(self.ctx.schemas.items()):
            ptr = pointer("components", "schemas", name)
            if not isinstance(schema, (Mapping, bool)):
                raise self.ctx.fail("a schema must be a mapping or a boolean", ptr)
            self._schemas[name] = schema
            self._ptrs[name] = ptr
        for name, schema in sorted(self.ctx.schemas.items()):
            self._kinds[name] = self._schema_kind(schema)
        self._find_inline()
        components = [n for n in self.ctx.schemas if self._kinds[n] in ("model", "enum")]
        self._class_names = naming.class_names(components)
        self._class_names.update(
            naming.place_names(
                {k: p for k, p in self._places.items()}, set(self._class_names.values())
            )
        )
        for name in sorted(n for n, k in self._kinds.items() if k == "alias"):
            self._resolve_alias(name, ())

    def _schema_kind(self, schema: Any) -> str:
        """A component schema is an enum, a model (a class) or an alias of another type."""
        if not isinstance(schema, Mapping):
            return "alias"
        if _is_string_enum(schema):
            return "enum"
        if "allOf" in schema:
            return "model" if self._is_object(schema, set()) else "alias"
        if "$ref" in schema or "anyOf" in schema or "oneOf" in schema:
            return "alias"
        kind = schema.get("type")
        if "properties" in schema or "discriminator" in schema:
            return "model" if kind in (None, "object") else "alias"
        if kind == "object" and not isinstance(schema.get("additionalProperties"), Mapping):
            return "model"
        return "alias"

    def _is_object(self, schema: Any, seen: set[str]) -> bool:
        """Whether a schema (through refs and allOf) declares an object with properties."""
        if not isinstance(schema, Mapping):
            return False
        if schema.get("properties") or schema.get("type") == "object":
            return True
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = _unescape(ref[len(SCHEMA_PREFIX) :])
            if name in seen or name not in self.ctx.schemas:
                return False
            # Once per name: refs shared along many allOf paths are not walked again.
            if name not in self._objects:
                self._objects[name] = self._is_object(self.ctx.schemas[name], seen | {name})
            return self._objects[name]
        parts = schema.get("allOf")
        return isinstance(parts, list) and any(self._is_object(p, seen) for p in parts)

    # -- inline schemas ------------------------------------------------------------------

    def _find_inline(self) -> None:
        """Every inline object and string enum, keyed by its pointer, named from its place."""
        for name, schema in sorted(self.ctx.schemas.items()):
            place = (naming.pascal_case(name.rsplit(".", 1)[-1]),)
            inherited = self._inherited_names(name) if self._kinds[name] == "model" else set()
            self._walk(schema, self._ptrs[name], place, top=True, inherited=frozenset(inherited))
        data = self.ctx.spec.data
        for path, item in sorted((data.get("paths") or {}).items()):
            if not isinstance(item, Mapping):
                continue
            for index, param in enumerate(item.get("parameters") or []):
                self._walk_parameter(param, pointer("paths", path, "parameters", index), (path,))
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, Mapping):
                    continue
                name = str(op.get("operationId") or f"{method} {path}")
                ptr = pointer("paths", path, method)
                self._walk_content(op.get("requestBody"), ptr + "/requestBody", (name, "body"))
                for status, response in sorted((op.get("responses") or {}).items()):
                    if str(status)[:1] in "123":
                        r_ptr = f"{ptr}/responses/{escape_pointer_token(str(status))}"
                        self._walk_content(response, r_ptr, (name, "response"))
                for index, param in enumerate(op.get("parameters") or []):
                    self._walk_parameter(param, f"{ptr}/parameters/{index}", (name,))
        components = data.get("components") or {}
        for section, suffix in (("requestBodies", "body"), ("responses", "response")):
            for name, holder in sorted((components.get(section) or {}).items()):
                ptr = pointer("components", section, name)
                self._walk_content(holder, ptr, (name, suffix))
        for name, param in sorted((components.get("parameters") or {}).items()):
            self._walk_parameter(param, pointer("components", "parameters", name), ())

    def _walk_parameter(self, param: Any, ptr: str, place: tuple[str, ...]) -> None:
        if isinstance(param, Mapping) and "schema" in param:
            self._walk(param["schema"], ptr + "/schema", (*place, str(param.get("name"))), False)

    def _walk_content(self, holder: Any, ptr: str, place: tuple[str, ...]) -> None:
        content = holder.get("content") if isinstance(holder, Mapping) else None
        if not isinstance(content, Mapping):
            return
        for media, media_obj in sorted(content.items()):
            if isinstance(media_obj, Mapping) and "schema" in media_obj:
                m_ptr = f"{ptr}/content/{escape_pointer_token(str(media))}/schema"
                self._walk(media_obj["schema"], m_ptr, place, False)

    def _inherited_names(self, name: str) -> set[str]:
        """The JSON names a model's base class already has (its first top-level `allOf`
        ref to a model, that base's own parts, mixins and base, as `_object_parts` collects
        them): the model's parts that name them again refine an inherited field."""
        schema = self._schemas[name]
        for item in schema.get("allOf") or [] if isinstance(schema, Mapping) else []:
            base = self._local_name(item)
            if base is not None and self._kinds.get(base) == "model":
                return self._model_names(base, set())
        return set()

    def _local_name(self, item: Any) -> str | None:
        """The component a `{$ref: ...}` names, None when it names none (the refusal is
        `_object_parts`'s, at its place)."""
        ref = item.get("$ref") if isinstance(item, Mapping) else None
        if not isinstance(ref, str) or not ref.startswith(SCHEMA_PREFIX):
            return None
        name = ref[len(SCHEMA_PREFIX) :].replace("~1", "/").replace("~0", "~")
        return name if name in self.ctx.schemas else None

    def _model_names(self, name: str, seen: set[str]) -> set[str]:
        """Every JSON property name a model has, its parts and model refs included."""
        if name in seen:
            return set()
        seen.add(name)
        names: set[str] = set()
        pending: list[Any] = [self._schemas[name]]
        while pending:
            part = pending.pop()
            if not isinstance(part, Mapping):
                continue
            if "$ref" in part:
                ref = self._local_name(part)
                if ref is not None and self._kinds.get(ref) == "model":
                    names |= self._model_names(ref, seen)
                continue
            names.update(str(k) for k in part.get("properties") or {})
            pending.extend(part.get("allOf") or [])
        return names

    def _walk(
        self,
        schema: Any,
        ptr: str,
        place: tuple[str, ...],
        top: bool,
        inherited: frozenset[str] = frozenset(),
    ) -> None:
        """Find the inline models and enums under ``schema``; properties named in
        ``inherited`` refine a base class's field and make no types of their own."""
        if not isinstance(schema, Mapping) or "$ref" in schema or id(schema) in self._inline:
            return
        if PARTIAL_OF in schema:
            return  # typed as the entity's model: its copied properties make no types
        if not top:
            kind = self._inline_kind(schema)
            if kind is not None:
                self._inline[id(schema)] = ptr
                self._schemas[ptr] = schema
                self._ptrs[ptr] = ptr
                self._kinds[ptr] = kind
                self._places[ptr] = place
        for key in _SUBSCHEMA_MAPS:
            children = schema.get(key)
            if isinstance(children, Mapping):
                for name, child in sorted(children.items()):
                    if key == "properties" and str(name) in inherited:
                        continue
                    child_ptr = f"{ptr}/{key}/{escape_pointer_token(str(name))}"
                    self._walk(child, child_ptr, (*place, str(name)), False)
        for key, word in (("items", "item"), ("additionalProperties", "value")):
            self._walk(schema.get(key), f"{ptr}/{key}", (*place, word), False)
        for key in _SUBSCHEMA_LISTS:
            parts = schema.get(key)
            if not isinstance(parts, list):
                continue
            for index, part in enumerate(parts):
                part_ptr = f"{ptr}/{key}/{index}"
                if key == "allOf":  # merged into this schema: its parts are not types
                    self._walk(part, part_ptr, place, True, inherited)
                else:
                    self._walk(part, part_ptr, (*place, f"{key}{index + 1}"), False)

    def _inline_kind(self, schema: Mapping[str, Any]) -> str | None:
        """An inline schema worth a class: an object with properties, or a string enum."""
        if _is_string_enum(schema):
            return "enum"
        if schema.get("type") not in (None, "object") or "anyOf" in schema or "oneOf" in schema:
            return None
        if schema.get("properties"):
            return "model"
        parts = [p for p in schema.get("allOf") or [] if isinstance(p, Mapping)]
        objects = [p for p in parts if self._is_object(p, set())]
        if any(p.get("properties") for p in parts) or len(objects) > 1:
            return "model"
        return None

    # -- types ---------------------------------------------------------------------------

    def _resolve_alias(self, name: str, chain: tuple[str, ...]) -> TypeRef:
        if name in self._alias_targets:
            return self._alias_targets[name]
        ptr = self._ptrs[name]
        if name in chain:
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise self.ctx.fail(f"`$ref` cycle with no object in it: {cycle}", ptr)
        target = self.type_of(self._schemas[name], ptr, chain + (name,))[0]
        self._alias_targets[name] = target
        return target

    def ref_type(self, name: str, chain: tuple[str, ...]) -> TypeRef:
        kind = self._kinds[name]
        if kind == "model":
            return ModelRef(name)
        if kind == "enum":
            return EnumRef(name)
        return self._resolve_alias(name, chain)

    def _ref(self, ref: Any, ptr: str, chain: tuple[str, ...]) -> TypeRef:
        """The type a local `$ref` names: a component schema, or any schema in the document
        (`#/components/schemas/A/properties/b`, `$defs`)."""
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = _unescape(ref[len(SCHEMA_PREFIX) :])
            if name in self.ctx.schemas:
                return self.ref_type(name, chain)
        if isinstance(ref, str) and ref.startswith("#/"):
            target = _follow(self.ctx.spec.data, ref[1:])
            if target is not None:
                key = self._inline.get(id(target))
                if key is not None:
                    return self.ref_type(key, chain)
                if ref in chain:
                    cycle = " -> ".join((*chain[chain.index(ref) :], ref))
                    raise self.ctx.fail(f"`$ref` cycle with no object in it: {cycle}", ptr)
                return self.type_of(target, ref[1:], chain + (ref,))[0]
        return self.ref_type(self.ctx.schema_name(ref, ptr), chain)

    def _constraints_holder(self, schema: Mapping[str, Any], target: TypeRef) -> Mapping[str, Any]:
        """Where a `$ref`'s constraints are: beside it, else (for a plain type, not a model
        or enum) in the schema it names, as `minimum` on a `$defs` integer."""
        if isinstance(target, (ModelRef, EnumRef)) or any(k in schema for k in _CONSTRAINTS):
            return schema
        ref = schema["$ref"]
        found = _follow(self.ctx.spec.data, ref[1:]) if isinstance(ref, str) else None
        return found if isinstance(found, Mapping) else schema

    def type_of(
        self, schema: Any, ptr: str, chain: tuple[str, ...] = ()
    ) -> tuple[TypeRef, bool, Mapping[str, Any]]:
        """A schema to (type, nullable, the schema holding its constraints)."""
        if schema is True:
            return ANY, False, {}
        if schema is False:
            self.ctx.warn("a `false` schema admits no value; typed as object", ptr)
            return ANY, False, {}
        if not isinstance(schema, Mapping):
            raise self.ctx.fail("a schema must be a mapping or a boolean", ptr)
        nullable = _is_nullable(schema)
        key = self._inline.get(id(schema))
        if key is not None:
            return self.ref_type(key, chain), nullable, schema
        partial = schema.get(PARTIAL_OF)
        if isinstance(partial, str) and "$ref" not in schema:
            # An update body built from pages: a partial view of an entity schema, sent as
            # the entity's own model (only what changed; see `generator.pages.operations`).
            return self._ref(partial, f"{ptr}/{PARTIAL_OF}", chain), nullable, schema
        if "$ref" in schema:
            target = self._ref(schema["$ref"], ptr + "/$ref", chain)
            if isinstance(target, (ModelRef, EnumRef)):
                named = self._schemas[target.name]  # an enum listing null, `type: [x, "null"]`
                nullable = nullable or _is_nullable(named) or None in (named.get("enum") or ())
            return target, nullable, self._constraints_holder(schema, target)
        wrapped = _nullable_ref(schema)
        if wrapped is not None:
            ref_schema, wrapped_nullable = wrapped
            target = self._ref(ref_schema["$ref"], ptr, chain)
            return target, nullable or wrapped_nullable, schema
        if "const" in schema:
            value = schema["const"]
            if value is None:
                return NULL, False, schema
            if _is_scalar(value):
                return LiteralOf((value,)), nullable, schema
            # Typed by its JSON type; which one value it must be is left to the server.
            self.ctx.warn("a `const` array or object is typed by its JSON type only", ptr)
            shape, _, _ = self._typed(_json_shape(value), ptr, chain, False)
            return shape, nullable, schema
        values = schema.get("enum")
        if isinstance(values, list):
            present = list(dict.fromkeys(v for v in values if v is not None and _is_scalar(v)))
            if not present and all(v is None for v in values):
                return NULL, False, schema
            if len(present) == len({repr(v) for v in values if v is not None}):
                return LiteralOf(tuple(present)), nullable or None in values, schema
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                union, union_nullable = self._union(schema, key, ptr, chain)
                return union, nullable or union_nullable, schema
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, ptr, chain, nullable)
        return self._typed(schema, ptr, chain, nullable)

    def _typed(
        self, schema: Mapping[str, Any], ptr: str, chain: tuple[str, ...], nullable: bool
    ) -> tuple[TypeRef, bool, Mapping[str, Any]]:
        """A schema by its `type` (one name, or a 3.1 list of them)."""
        kinds = schema.get("type")
        if isinstance(kinds, list):
            names = [k for k in kinds if k != "null"]
            if len(names) > 1:
                options = [self._typed({**schema, "type": k}, ptr, chain, False)[0] for k in names]
                return _union_of(options, False, None), nullable, schema
            kind = names[0] if names else "null"
        else:
            kind = kinds
        if kind == "null":
            return NULL, False, schema
        if kind == "array" or (kind is None and ("items" in schema or "prefixItems" in schema)):
            return ArrayOf(*self._item_type(schema, ptr, chain)), nullable, schema
        if kind == "object" or (
            kind is None
            and any(
                k in schema for k in ("properties", "additionalProperties", "patternProperties")
            )
        ):
            return MapOf(*self._value_type(schema, ptr, chain)), nullable, schema
        scalar = _SCALAR_KINDS.get(kind) if isinstance(kind, str) else None
        if scalar is not None:
            fmt = schema.get("format")
            return Primitive(scalar, fmt if isinstance(fmt, str) else None), nullable, schema
        if kind is not None:
            self.ctx.warn(f"unknown type {kind!r}; typed as object", ptr + "/type")
        elif "not" in schema:
            self.ctx.warn("`not` cannot be expressed as a Python type; typed as object", ptr)
        return ANY, nullable, schema

    def _item_type(
        self, schema: Mapping[str, Any], ptr: str, chain: tuple[str, ...]
    ) -> tuple[TypeRef, bool]:
        """An array's items and whether they may be null: `items`, or 3.1 `prefixItems` (a
        list's type cannot say which position holds which, so it is their union)."""
        parts: list[tuple[Any, str]] = []
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            parts = [(part, f"{ptr}/prefixItems/{index}") for index, part in enumerate(prefix)]
        items = schema.get("items", True)
        if items is not False and not (parts and "items" not in schema):
            parts.append((items, ptr + "/items"))
        return self._options(parts, chain)

    def _value_type(
        self, schema: Mapping[str, Any], ptr: str, chain: tuple[str, ...]
    ) -> tuple[TypeRef, bool]:
        """A map's values and whether they may be null: `additionalProperties` and
        `patternProperties` (the patterns on keys are not kept)."""
        if schema.get("properties"):
            self.ctx.warn("an object with properties here is kept as a dict", ptr)
        parts: list[tuple[Any, str]] = []
        extra = schema.get("additionalProperties")
        if isinstance(extra, (Mapping, bool)) and extra is not False:
            parts.append((extra, ptr + "/additionalProperties"))
        patterns = schema.get("patternProperties")
        if isinstance(patterns, Mapping):
            for pattern, value in sorted(patterns.items()):
                parts.append(
                    (value, f"{ptr}/patternProperties/{escape_pointer_token(str(pattern))}")
                )
        return self._options(parts, chain) if parts else (ANY, False)

    def _options(
        self, parts: list[tuple[Any, str]], chain: tuple[str, ...]
    ) -> tuple[TypeRef, bool]:
        """The union of several schemas' types, and whether any allows null."""
        options: list[TypeRef] = []
        nullable = False
        for part, part_ptr in parts:
            part_type, part_nullable, _ = self.type_of(part, part_ptr, chain)
            nullable = nullable or part_nullable or part_type == NULL
            if part_type != NULL:
                options.append(part_type)
        return (_union_of(options, False, None) if options else NULL), nullable

    def _union(
        self, schema: Mapping[str, Any], key: str, ptr: str, chain: tuple[str, ...]
    ) -> tuple[TypeRef, bool]:
        """`oneOf`/`anyOf`: the options' types (null ones make it nullable)."""
        options: list[TypeRef] = []
        nullable = False
        for index, part in enumerate(schema[key]):
            if isinstance(part, Mapping) and part.get("nullable") is True and len(part) <= 2:
                nullable = True  # Graph's `{nullable: true}` member
                continue
            if self._lists_itself(part, chain):
                # `Item = Item | Ref` is `Ref`: the member adds no value the others lack.
                self.ctx.warn(
                    f"this {key} member is the union itself; left out", f"{ptr}/{key}/{index}"
                )
                continue
            part_type, part_nullable, _ = self.type_of(part, f"{ptr}/{key}/{index}", chain)
            nullable = nullable or part_nullable
            if part_type == NULL:
                nullable = True
            else:
                options.append(part_type)
        if not options and not nullable:
            raise self.ctx.fail(f"every {key} member is the union itself; nothing to type", ptr)
        if not options:
            return NULL, False
        discriminator = self._discriminator(schema.get("discriminator"), options, ptr)
        return _union_of(options, key == "oneOf", discriminator), nullable

    def _lists_itself(self, part: Any, chain: tuple[str, ...]) -> bool:
        """Whether a union member is a `$ref` to an alias being typed right now (the union
        itself, or a union it is a member of)."""
        ref = part.get("$ref") if isinstance(part, Mapping) else None
        if not (isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX)):
            return False
        name = _unescape(ref[len(SCHEMA_PREFIX) :])
        return name in chain and self._kinds.get(name) not in ("model", "enum")

    def _discriminator(self, value: Any, options: list[TypeRef], ptr: str) -> Discriminator | None:
        """The options a discriminator names: its mapping (by `$ref` or by schema name),
        else each model option under its schema name, as OpenAPI says."""
        if not isinstance(value, Mapping) or not isinstance(value.get("propertyName"), str):
            return None
        mapping: list[tuple[str, str]] = []
        for tag, ref in (value.get("mapping") or {}).items():
            tag_ptr = f"{ptr}/discriminator/mapping/{escape_pointer_token(str(tag))}"
            target = self._mapping_target(ref, tag_ptr)
            if target is not None:
                mapping.append((str(tag), target))
        if not mapping:
            mapping = [(o.name, o.name) for o in options if isinstance(o, ModelRef)]
        return Discriminator(value["propertyName"], tuple(mapping))

    def _mapping_target(self, ref: Any, ptr: str) -> str | None:
        """The model a discriminator mapping value names (a `$ref` or a schema name)."""
        if isinstance(ref, str) and not ref.startswith("#") and ref in self.ctx.schemas:
            name = ref
        else:
            name = self.ctx.schema_name(ref, ptr)
        if self._kinds.get(name) != "model":
            self.ctx.warn(f"discriminator value names {name!r}, which is not an object", ptr)
            return None
        return name

    def _all_of(
        self, schema: Mapping[str, Any], ptr: str, chain: tuple[str, ...], nullable: bool
    ) -> tuple[TypeRef, bool, Mapping[str, Any]]:
        """`allOf` that is not a model: one `$ref` plus constraints is the ref's type;
        otherwise the inline parts are merged into one schema."""
        parts = [p for p in schema["allOf"] if isinstance(p, Mapping)]
        refs = [p for p in parts if "$ref" in p]
        typed = [p for p in parts if "$ref" not in p and _says_type(p)]
        nullable = nullable or any(_is_nullable(p) for p in parts)
        if refs and not typed:
            if len(refs) > 1:
                self.ctx.warn("allOf over several non-object types is typed by its first", ptr)
            return self._ref(refs[0]["$ref"], ptr + "/allOf/0/$ref", chain), nullable, schema
        if refs:
            self.ctx.warn("allOf over a `$ref` and a type is typed by its inline parts", ptr)
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in parts:
            if "$ref" not in part:
                merged.update(part)
        if ptr in chain:
            raise self.ctx.fail("`allOf` cycle", ptr)
        merged_type, merged_nullable, holder = self.type_of(merged, ptr, chain + (ptr,))
        return merged_type, nullable or merged_nullable, holder

    def constraints(self, schema: Mapping[str, Any], type_ref: TypeRef, ptr: str) -> Constraints:
        """The checks the SDK's validators make on a field (``ptr``: its place, for warnings)."""
        minimum = schema.get("minimum")
        maximum = schema.get("maximum")
        exclusive_minimum = schema.get("exclusiveMinimum")
        exclusive_maximum = schema.get("exclusiveMaximum")
        # 3.1 (JSON Schema 2020-12) writes exclusive bounds as numbers of their own.
        if _number(exclusive_minimum) is not None:
            minimum, exclusive_minimum = exclusive_minimum, True
        if _number(exclusive_maximum) is not None:
            maximum, exclusive_maximum = exclusive_maximum, True
        if (
            isinstance(type_ref, Primitive)
            and type_ref.kind == "integer"
            and type_ref.format in INT_BOUNDS
        ):
            low, high = INT_BOUNDS[type_ref.format]
            given_low, given_high = _number(minimum), _number(maximum)
            minimum = low if given_low is None else max(given_low, low)
            maximum = high if given_high is None else min(given_high, high)
        return Constraints(
            minimum=_number(minimum),
            maximum=_number(maximum),
            exclusive_minimum=exclusive_minimum is True,
            exclusive_maximum=exclusive_maximum is True,
            min_length=_int(schema.get("minLength")),
            max_length=_int(schema.get("maxLength")),
            pattern=self._safe_pattern(schema.get("pattern"), ptr),
            min_items=_int(schema.get("minItems")),
            max_items=_int(schema.get("maxItems")),
        )

    def _safe_pattern(self, pattern: Any, ptr: str) -> str | None:
        """A `pattern` the validators may match with Python's `re`; one that could hang them
        (or that `re` cannot read) is left out with a warning naming it."""
        if not isinstance(pattern, str):
            return None
        problem = pattern_problem(pattern)
        if problem is None:
            return pattern
        shown = pattern if len(pattern) <= 60 else pattern[:59] + "…"
        self.ctx.warn(f"pattern {shown!r} {problem}; the SDK does not check it", ptr)
        return None

    # -- models --------------------------------------------------------------------------

    def _object_parts(self, name: str) -> tuple[str | None, list[tuple[str, str, Any]], list[str]]:
        """A model's base (first `allOf` ref to a model) and its own properties as
        (pointer, JSON name, schema)."""
        base: str | None = None
        parts: list[tuple[str, Mapping[str, Any]]] = []
        required: list[str] = []

        def collect(part_ptr: str, part: Mapping[str, Any], top: bool) -> None:
            nonlocal base
            parts.append((part_ptr, part))
            required.extend(r for r in part.get("required") or [] if isinstance(r, str))
            for index, item in enumerate(part.get("allOf") or []):
                item_ptr = f"{part_ptr}/allOf/{index}"
                if not isinstance(item, Mapping):
                    raise self.ctx.fail("an allOf entry must be a mapping", item_ptr)
                if "$ref" not in item:
                    collect(item_ptr, item, False)
                    continue
                ref_name = self.ctx.schema_name(item["$ref"], item_ptr + "/$ref")
                if self._kinds.get(ref_name) != "model":
                    self.ctx.warn(
                        f"allOf entry {ref_name!r} is not an object; its constraints are not "
                        "applied to the model",
                        item_ptr,
                    )
                elif top and base is None:
                    base = ref_name
                elif (item_ptr, ref_name) not in seen:  # a mixin: its properties are copied in
                    seen.add((item_ptr, ref_name))
                    collect(self._ptrs[ref_name], self._schemas[ref_name], False)

        seen: set[tuple[str, str]] = set()
        collect(self._ptrs[name], self._schemas[name], True)
        own: list[tuple[str, str, Any]] = []
        for part_ptr, part in parts:
            for prop, prop_schema in (part.get("properties") or {}).items():
                prop_ptr = part_ptr + "/properties/" + escape_pointer_token(prop)
                own.append((prop_ptr, prop, prop_schema))
        return base, own, required

    def build_models(self) -> None:
        model_names = sorted(n for n, k in self._kinds.items() if k == "model")
        bases: dict[str, str | None] = {}
        own_props: dict[str, list[tuple[str, str, Any]]] = {}
        required: dict[str, list[str]] = {}
        for name in model_names:
            bases[name], own_props[name], required[name] = self._object_parts(name)
        discriminator_values, tags = self._discriminator_values(model_names, bases)
        taken: dict[str, set[str]] = {}
        snake_names = naming.member_names(self._class_names[name] for name in model_names)
        for name in self._base_first(model_names, bases):
            base = bases[name]
            inherited = taken.get(base, set()) if base else set()
            inherited_json = self._all_json_names(base, own_props, bases) if base else set()
            props: dict[str, tuple[str, Any]] = {}
            for ptr, json_name, prop_schema in own_props[name]:
                if json_name in inherited_json:
                    if not self._changes_inherited(base, json_name, prop_schema, own_props, bases):
                        continue
                    self.ctx.warn(
                        f"property {json_name!r} is inherited from {base!r}; this part's "
                        "refinement of it is not applied (the field keeps the base's type)",
                        ptr,
                    )
                    continue
                earlier = props.get(json_name)
                if earlier is not None and _refines(earlier[1], prop_schema):
                    # Constraints only (`code: {minLength: 1}` over `code: {type: string}`):
                    # the field keeps its type and gets the constraints.
                    props[json_name] = (earlier[0], {**earlier[1], **prop_schema})
                else:
                    props[json_name] = (ptr, prop_schema)  # a later part overrides
            python_names = self._field_names(list(props), inherited)
            taken[name] = inherited | set(python_names.values())
            fields = []
            for json_name, (ptr, prop_schema) in props.items():
                type_ref, nullable, holder = self.type_of(prop_schema, ptr)
                info = prop_schema if isinstance(prop_schema, Mapping) else {}
                fields.append(
                    Field(
                        json_name=json_name,
                        python_name=python_names[json_name],
                        type=type_ref,
                        required=json_name in required[name],
                        nullable=nullable,
                        read_only=info.get("readOnly") is True,
                        description=text(info.get("description")),
                        constraints=self.constraints(holder, type_ref, ptr),
                    )
                )
            schema = self._schemas[name]
            self.models[name] = Model(
                name=name,
                python_name=self._class_names[name],
                snake_name=snake_names[self._class_names[name]],
                base=base,
                fields=tuple(fields),
                discriminator_value=discriminator_values.get(name),
                description=text(schema.get("description")),
                abstract=schema.get("x-abstract") is True,
                discriminator=tags.get(name),
            )

    def _changes_inherited(
        self,
        base: str | None,
        json_name: str,
        schema: Any,
        own: Mapping[str, list[tuple[str, str, Any]]],
        bases: Mapping[str, str | None],
    ) -> bool:
        """Whether a subclass's definition of an inherited property says more than the
        inherited one (not the same schema again, not only text)."""
        if isinstance(schema, Mapping) and all(k in _ANNOTATIONS for k in schema):
            return False
        seen: set[str] = set()
        while base is not None and base not in seen:
            seen.add(base)
            for _, name, inherited in own[base]:
                if name == json_name:
                    return bool(inherited != schema)
            base = bases[base]
        return True

    def _field_names(self, json_names: list[str], inherited: set[str]) -> dict[str, str]:
        reserved = naming.RESERVED_MEMBER_NAMES | frozenset(inherited)
        return naming.member_names(json_names, reserved)

    def _all_json_names(
        self,
        name: str | None,
        own: Mapping[str, list[tuple[str, str, Any]]],
        bases: Mapping[str, str | None],
    ) -> set[str]:
        names: set[str] = set()
        seen: set[str] = set()
        while name is not None and name not in seen:
            seen.add(name)
            names.update(json_name for _, json_name, _ in own[name])
            name = bases[name]
        return names

    def _base_first(self, names: list[str], bases: Mapping[str, str | None]) -> list[str]:
        """Models ordered so each base comes before its subclasses; inheritance cycles fail."""
        ordered: list[str] = []
        done: set[str] = set()
        for name in names:
            chain: list[str] = []
            current: str | None = name
            while current is not None and current not in done:
                if current in chain:
                    cycle = " -> ".join([*chain[chain.index(current) :], current])
                    raise self.ctx.fail(f"inheritance cycle: {cycle}", self._ptrs[current])
                chain.append(current)
                current = bases[current]
            for item in reversed(chain):
                ordered.append(item)
                done.add(item)
        depth: dict[str, int] = {}
        for name in ordered:
            base = bases[name]
            depth[name] = depth[base] + 1 if base is not None else 1
            if depth[name] > MAX_INHERITANCE_DEPTH:
                raise self.ctx.fail(
                    f"inheritance deeper than {MAX_INHERITANCE_DEPTH} levels", self._ptrs[name]
                )
        return ordered

    def _discriminator_values(
        self, names: list[str], bases: Mapping[str, str | None]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Each family member's discriminator value (from the root's mapping, by `$ref` or
        by name; else `#` + schema name under `@odata.type`, the schema name under another
        property), and each family root's property."""
        values: dict[str, str] = {}
        roots: dict[str, str] = {}
        for name in names:
            discriminator = self._schemas[name].get("discriminator")
            if not isinstance(discriminator, Mapping):
                continue
            tag = discriminator.get("propertyName")
            if not isinstance(tag, str):
                continue
            roots[name] = tag
            for value, ref in sorted((discriminator.get("mapping") or {}).items()):
                ptr = f"{self._ptrs[name]}/discriminator/mapping/{escape_pointer_token(value)}"
                target = self._mapping_target(ref, ptr)
                if target is not None:
                    values.setdefault(target, str(value))
        for name in names:
            if name in values:
                continue
            current: str | None = name
            seen: set[str] = set()
            while current is not None and current not in seen:
                seen.add(current)
                if current in roots:
                    values[name] = ("#" + name) if roots[current] == ODATA_TYPE else name
                    break
                current = bases[current]
        self._warn_case_twins(values, bases)
        return values, {root: tag for root, tag in roots.items() if tag != ODATA_TYPE}

    def _warn_case_twins(self, values: Mapping[str, str], bases: Mapping[str, str | None]) -> None:
        """The SDK reads a discriminator value without its case (as Graph's `@odata.type`
        is), so two members of one family whose values differ only in case are one value
        to it: said, not left to a silent choice."""
        first: dict[tuple[str, str], str] = {}
        for name in sorted(values):
            root = name
            seen = {root}
            while (parent := bases.get(root)) is not None and parent not in seen:
                seen.add(parent)
                root = parent
            key = (root, values[name].lstrip("#").lower())
            other = first.setdefault(key, name)
            if other != name:
                self.ctx.warn(
                    f"discriminator values {values[other]!r} ({other!r}) and "
                    f"{values[name]!r} ({name!r}) differ only in case; the SDK reads them "
                    "as one value and decodes and validates it as one of the two",
                    self._ptrs[name],
                )

    def build_enums(self) -> None:
        for name in sorted(n for n, k in self._kinds.items() if k == "enum"):
            schema = self._schemas[name]
            values = list(dict.fromkeys(v for v in schema["enum"] if v is not None))
            member_names = naming.enum_member_names(values)
            self.enums[name] = EnumType(
                name=name,
                python_name=self._class_names[name],
                members=tuple(EnumMember(v, member_names[v]) for v in values),
                evolvable="unknownFutureValue" in values,
                description=text(schema.get("description")),
            )


def _is_string_enum(schema: Mapping[str, Any]) -> bool:
    """An `enum` of strings (null allowed beside them): an enum class."""
    values = schema.get("enum")
    if not isinstance(values, list) or "const" in schema:
        return False
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        named = [k for k in kind if k != "null"]
        kind = named[0] if len(named) == 1 else None
    present = [v for v in values if v is not None]
    return kind == "string" and bool(present) and all(isinstance(v, str) for v in present)


def _is_nullable(schema: Mapping[str, Any]) -> bool:
    kinds = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kinds, list) and "null" in kinds)


def _is_scalar(value: Any) -> bool:
    """A value a `LiteralOf` can hold (a YAML `.inf` cannot be written as a literal)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, int, bool))


_JSON_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: a bool is an int in Python
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (Mapping, "object"),
    (list, "array"),
)


def _json_shape(value: Any) -> dict[str, Any]:
    """The schema of a `const` object or array's JSON shape: `{enabled: true, limit: 3}` is
    an object of booleans and integers (inner objects and arrays stay any value)."""
    kinds: list[str] = []
    for item in value.values() if isinstance(value, Mapping) else value:
        kind = "null" if item is None else next(k for t, k in _JSON_KINDS if isinstance(item, t))
        if kind not in kinds:
            kinds.append(kind)
    inner: dict[str, Any] = {"type": sorted(kinds)} if kinds else {}
    if isinstance(value, Mapping):
        return {"type": "object", "additionalProperties": inner}
    return {"type": "array", "items": inner}


def _refines(earlier: Any, later: Any) -> bool:
    """Whether a later definition of a property only adds constraints or text to an
    earlier one that says its type."""
    return (
        isinstance(earlier, Mapping)
        and isinstance(later, Mapping)
        and ("$ref" in earlier or _says_type(earlier))
        and not _says_type(later)
        and "$ref" not in later
    )


def _says_type(schema: Mapping[str, Any]) -> bool:
    """Whether an allOf part says what type the value is (not only constraints or text)."""
    return any(
        k in schema
        for k in ("type", "properties", "items", "enum", "const", "anyOf", "oneOf", "allOf")
    )


def _union_of(
    options: list[TypeRef], exclusive: bool, discriminator: Discriminator | None
) -> TypeRef:
    """One type for several: itself when one is left, Any when one is Any; options that
    are undiscriminated unions themselves are flattened."""
    flat: list[TypeRef] = []
    for option in options:
        if isinstance(option, UnionOf) and option.discriminator is None:
            flat.extend(option.options)
        else:
            flat.append(option)
    distinct = list(dict.fromkeys(flat))
    if ANY in distinct or not distinct:
        return ANY
    if len(distinct) == 1:
        return distinct[0]
    return UnionOf(tuple(distinct), exclusive, discriminator)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _follow(data: Any, ptr: str) -> Any:
    """The value at a JSON pointer in ``data``, or None."""
    for token in ptr.split("/")[1:]:
        token = _unescape(token)
        if isinstance(data, Mapping):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
