"""Component schemas to the IR's types, models and enums (`generator.sdk.ir`).

Each component schema is classified once as a model (a class), an enum, or an alias of
another type (followed, with cycle detection, to what it names). Models get their base
(the first `allOf` object ref), their own fields with constraints, and their
`@odata.type` value; names become Python identifiers through `generator.sdk.naming`.
`type_of` is also what operations use for their parameters, bodies and responses
(`load_operations`), so every type in the IR is made here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.sdk import naming
from generator.sdk.ir import (
    ArrayOf,
    Constraints,
    EnumMember,
    EnumRef,
    EnumType,
    Field,
    MapOf,
    Model,
    ModelRef,
    Primitive,
    TypeRef,
)
from generator.sdk.load_context import LoadContext, text
from generator.spec.io import escape_pointer_token, pointer

ODATA_TYPE = "@odata.type"
INT_BOUNDS = {
    "int8": (-(2**7), 2**7 - 1),
    "uint8": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
ANY = Primitive("any")
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
    """The component schemas of one spec, read into models and enums (in that order of
    calls: `classify`, then `build_enums` and `build_models`)."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.models: dict[str, Model] = {}
        self.enums: dict[str, EnumType] = {}
        self._kinds: dict[str, str] = {}
        self._alias_targets: dict[str, TypeRef] = {}
        self._class_names: dict[str, str] = {}

    def classify(self) -> None:
        """Decide for each component schema: model, enum or alias (with cycle checks)."""
        for name, schema in sorted(self.ctx.schemas.items()):
            ptr = pointer("components", "schemas", name)
            if not isinstance(schema, Mapping):
                raise self.ctx.fail("a schema must be a mapping", ptr)
            self._kinds[name] = _schema_kind(schema)
        self._class_names = naming.class_names(
            name for name, kind in self._kinds.items() if kind in ("model", "enum")
        )
        for name in sorted(n for n, k in self._kinds.items() if k == "alias"):
            self._resolve_alias(name, ())

    def _resolve_alias(self, name: str, chain: tuple[str, ...]) -> TypeRef:
        if name in self._alias_targets:
            return self._alias_targets[name]
        ptr = pointer("components", "schemas", name)
        if name in chain:
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise self.ctx.fail(f"`$ref` cycle with no object in it: {cycle}", ptr)
        target = self.type_of(self.ctx.schemas[name], ptr, chain + (name,))[0]
        self._alias_targets[name] = target
        return target

    def ref_type(self, name: str, chain: tuple[str, ...]) -> TypeRef:
        kind = self._kinds[name]
        if kind == "model":
            return ModelRef(name)
        if kind == "enum":
            return EnumRef(name)
        return self._resolve_alias(name, chain)

    def type_of(
        self, schema: Any, ptr: str, chain: tuple[str, ...] = ()
    ) -> tuple[TypeRef, bool, Mapping[str, Any]]:
        """A property schema to (type, nullable, the schema holding its constraints)."""
        if not isinstance(schema, Mapping):
            raise self.ctx.fail("a schema must be a mapping", ptr)
        nullable = schema.get("nullable") is True
        if "$ref" in schema:
            name = self.ctx.schema_name(schema["$ref"], ptr + "/$ref")
            return self.ref_type(name, chain), nullable, schema
        wrapped = _nullable_ref(schema)
        if wrapped is not None:
            ref_schema, wrapped_nullable = wrapped
            name = self.ctx.schema_name(ref_schema["$ref"], ptr)
            return self.ref_type(name, chain), nullable or wrapped_nullable, schema
        kind = schema.get("type")
        if kind == "array":
            items = schema.get("items", {})
            item_type, _, _ = self.type_of(items, ptr + "/items", chain)
            return ArrayOf(item_type), nullable, schema
        if kind == "object" or (kind is None and "properties" in schema):
            extra = schema.get("additionalProperties")
            if isinstance(extra, Mapping) and not schema.get("properties"):
                value_type = self.type_of(extra, ptr + "/additionalProperties", chain)[0]
                return MapOf(value_type), nullable, schema
            return MapOf(ANY), nullable, schema
        if kind in ("string", "integer", "number", "boolean"):
            if kind == "string" and "enum" in schema:
                # An inline enum keeps its members as a constraint on a plain string.
                return Primitive("string", schema.get("format")), nullable, schema
            fmt = schema.get("format")
            return Primitive(kind, fmt if isinstance(fmt, str) else None), nullable, schema
        return ANY, nullable, schema

    def constraints(self, schema: Mapping[str, Any], type_ref: TypeRef) -> Constraints:
        minimum = schema.get("minimum")
        maximum = schema.get("maximum")
        if (
            isinstance(type_ref, Primitive)
            and type_ref.kind == "integer"
            and type_ref.format in INT_BOUNDS
        ):
            low, high = INT_BOUNDS[type_ref.format]
            minimum = low if minimum is None else max(minimum, low)
            maximum = high if maximum is None else min(maximum, high)
        return Constraints(
            minimum=_number(minimum),
            maximum=_number(maximum),
            exclusive_minimum=schema.get("exclusiveMinimum") is True,
            exclusive_maximum=schema.get("exclusiveMaximum") is True,
            min_length=_int(schema.get("minLength")),
            max_length=_int(schema.get("maxLength")),
            pattern=schema.get("pattern") if isinstance(schema.get("pattern"), str) else None,
            min_items=_int(schema.get("minItems")),
            max_items=_int(schema.get("maxItems")),
        )

    def _object_parts(
        self, name: str
    ) -> tuple[str | None, list[tuple[str, Mapping[str, Any]]], list[str]]:
        """A model's base (first `allOf` ref to a model) and its own property schemas."""
        schema = self.ctx.schemas[name]
        base: str | None = None
        own: list[tuple[str, Mapping[str, Any]]] = []
        required: list[str] = list(schema.get("required") or [])
        parts: list[tuple[str, Mapping[str, Any]]] = [
            (pointer("components", "schemas", name), schema)
        ]
        for index, part in enumerate(schema.get("allOf") or []):
            part_ptr = pointer("components", "schemas", name, "allOf", index)
            if not isinstance(part, Mapping):
                raise self.ctx.fail("an allOf entry must be a mapping", part_ptr)
            if "$ref" in part:
                ref_name = self.ctx.schema_name(part["$ref"], part_ptr + "/$ref")
                if base is None and self._kinds.get(ref_name) == "model":
                    base = ref_name
                    continue
                if self._kinds.get(ref_name) == "model":
                    # A second object ref is a mixin: its properties are copied in.
                    parts.append(
                        (pointer("components", "schemas", ref_name), self.ctx.schemas[ref_name])
                    )
                    required.extend(self.ctx.schemas[ref_name].get("required") or [])
                    continue
                raise self.ctx.fail(f"allOf entry {ref_name!r} is not an object schema", part_ptr)
            parts.append((part_ptr, part))
            required.extend(part.get("required") or [])
        for part_ptr, part in parts:
            for prop, prop_schema in (part.get("properties") or {}).items():
                own.append(
                    (
                        part_ptr + "/properties/" + escape_pointer_token(prop),
                        {**prop_schema, "__name__": prop},
                    )
                )
        return base, own, required

    def build_models(self) -> None:
        model_names = sorted(n for n, k in self._kinds.items() if k == "model")
        bases: dict[str, str | None] = {}
        own_props: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        required: dict[str, list[str]] = {}
        for name in model_names:
            bases[name], own_props[name], required[name] = self._object_parts(name)
        discriminator_values = self._discriminator_values(model_names, bases)
        taken: dict[str, set[str]] = {}
        snake_names = naming.member_names(self._class_names[name] for name in model_names)
        for name in self._base_first(model_names, bases):
            base = bases[name]
            inherited = taken.get(base, set()) if base else set()
            inherited_json = self._all_json_names(base, own_props, bases) if base else set()
            props = [(p, s) for p, s in own_props[name] if s["__name__"] not in inherited_json]
            python_names = self._field_names([s["__name__"] for _, s in props], inherited)
            taken[name] = inherited | set(python_names.values())
            fields = []
            for ptr, prop_schema in props:
                json_name = prop_schema["__name__"]
                type_ref, nullable, holder = self.type_of(prop_schema, ptr)
                fields.append(
                    Field(
                        json_name=json_name,
                        python_name=python_names[json_name],
                        type=type_ref,
                        required=json_name in required[name],
                        nullable=nullable,
                        read_only=prop_schema.get("readOnly") is True,
                        description=text(prop_schema.get("description")),
                        constraints=self.constraints(holder, type_ref),
                    )
                )
            schema = self.ctx.schemas[name]
            self.models[name] = Model(
                name=name,
                python_name=self._class_names[name],
                snake_name=snake_names[self._class_names[name]],
                base=base,
                fields=tuple(fields),
                discriminator_value=discriminator_values.get(name),
                description=text(schema.get("description")),
                abstract=schema.get("x-abstract") is True,
            )

    def _field_names(self, json_names: list[str], inherited: set[str]) -> dict[str, str]:
        reserved = naming.RESERVED_MEMBER_NAMES | frozenset(inherited)
        return naming.member_names(json_names, reserved)

    def _all_json_names(
        self,
        name: str | None,
        own: Mapping[str, list[tuple[str, Mapping[str, Any]]]],
        bases: Mapping[str, str | None],
    ) -> set[str]:
        names: set[str] = set()
        seen: set[str] = set()
        while name is not None and name not in seen:
            seen.add(name)
            names.update(s["__name__"] for _, s in own[name])
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
                    raise self.ctx.fail(
                        f"inheritance cycle: {cycle}", pointer("components", "schemas", current)
                    )
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
                    f"inheritance deeper than {MAX_INHERITANCE_DEPTH} levels",
                    pointer("components", "schemas", name),
                )
        return ordered

    def _discriminator_values(
        self, names: list[str], bases: Mapping[str, str | None]
    ) -> dict[str, str]:
        """`@odata.type` values: from discriminator mappings, else `#` + schema name in a family."""
        values: dict[str, str] = {}
        family_roots: set[str] = set()
        for name in names:
            discriminator = self.ctx.schemas[name].get("discriminator")
            if not isinstance(discriminator, Mapping):
                continue
            if discriminator.get("propertyName") == ODATA_TYPE:
                family_roots.add(name)
            for value, ref in sorted((discriminator.get("mapping") or {}).items()):
                ptr = pointer("components", "schemas", name, "discriminator", "mapping", value)
                target = self.ctx.schema_name(ref, ptr)
                if self._kinds.get(target) == "model":
                    values.setdefault(target, value)
        for name in names:
            if name in values:
                continue
            current: str | None = name
            seen: set[str] = set()
            while current is not None and current not in seen:
                seen.add(current)
                if current in family_roots:
                    values[name] = "#" + name
                    break
                current = bases[current]
        return values

    def build_enums(self) -> None:
        for name in sorted(n for n, k in self._kinds.items() if k == "enum"):
            schema = self.ctx.schemas[name]
            ptr = pointer("components", "schemas", name, "enum")
            raw = [v for v in schema.get("enum") or [] if v is not None]
            if not all(isinstance(v, str) for v in raw):
                raise self.ctx.fail("enum members must be strings", ptr)
            values = list(dict.fromkeys(raw))
            if not values:
                raise self.ctx.fail("an enum needs at least one member", ptr)
            member_names = naming.enum_member_names(values)
            self.enums[name] = EnumType(
                name=name,
                python_name=self._class_names[name],
                members=tuple(EnumMember(v, member_names[v]) for v in values),
                evolvable="unknownFutureValue" in values,
                description=text(schema.get("description")),
            )


def _schema_kind(schema: Mapping[str, Any]) -> str:
    """A component schema is an enum, a model (a class) or an alias of another type."""
    if "enum" in schema and schema.get("type", "string") == "string":
        return "enum"
    if "allOf" in schema:
        return "model"
    if "$ref" in schema or "anyOf" in schema or "oneOf" in schema:
        return "alias"
    kind = schema.get("type")
    if "properties" in schema or "discriminator" in schema:
        return "model" if kind in (None, "object") else "alias"
    if kind == "object" and not isinstance(schema.get("additionalProperties"), Mapping):
        return "model"
    return "alias"


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
