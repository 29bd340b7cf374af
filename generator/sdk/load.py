"""load: a validated OpenAPI document to the IR (`generator.sdk.ir.Api`).

The spec is checked by openapi-spec-validator first; then `$ref`s are resolved (local
ones only, with cycle detection for alias chains), schemas become models and enums, and
every name becomes a Python identifier through `generator.sdk.naming`, here and nowhere else.
Problems are `InputError`s carrying the JSON pointer (and the line when known).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import InputError
from generator.sdk import naming
from generator.sdk.ir import (
    Api,
    ArrayOf,
    Constraints,
    EnumMember,
    EnumRef,
    EnumType,
    Field,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Parameter,
    Primitive,
    RequestBody,
    Response,
    TypeRef,
)
from generator.spec.io import SpecFile, escape_pointer_token, pointer
from generator.spec.openapi import HTTP_METHODS, SCHEMA_PREFIX
from generator.spec.validate import check_ref_cycles, validate_spec

ODATA_TYPE = "@odata.type"
NEXT_LINK = "@odata.nextLink"
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
# The most generated code (characters, before black) one spec may produce. Black formats
# about 80 kB/s here, so this bounds a run at minutes, whatever the spec.
MAX_CODE_CHARS = 32_000_000
_PATH_SEGMENT = re.compile(r"\{([^{}/]+)\}")


@dataclass
class _Context:
    spec: SpecFile
    schemas: Mapping[str, Any]

    def fail(self, message: str, ptr: str) -> InputError:
        return InputError(message, file=self.spec.path, line=self.spec.line_of(ptr), pointer=ptr)

    def schema_name(self, ref: Any, ptr: str) -> str:
        """The component name a `$ref` points to; only local schema refs are allowed."""
        if not isinstance(ref, str):
            raise self.fail("`$ref` must be a string", ptr)
        if not ref.startswith(SCHEMA_PREFIX):
            if ref.startswith("#"):
                raise self.fail(f"`$ref` {ref!r} must point into #/components/schemas", ptr)
            raise self.fail(
                f"`$ref` {ref!r} points outside this spec; only local refs are read", ptr
            )
        name = ref[len(SCHEMA_PREFIX) :].replace("~1", "/").replace("~0", "~")
        if name not in self.schemas:
            raise self.fail(f"`$ref` {ref!r} names no schema", ptr)
        return name


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


class _Loader:
    def __init__(self, spec: SpecFile) -> None:
        data = spec.data
        components = data.get("components") or {}
        self.ctx = _Context(spec, components.get("schemas") or {})
        self.models: dict[str, Model] = {}
        self.enums: dict[str, EnumType] = {}
        self._kinds: dict[str, str] = {}
        self._alias_targets: dict[str, TypeRef] = {}
        self._class_names: dict[str, str] = {}

    # -- schemas -----------------------------------------------------------------

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
                        description=_text(prop_schema.get("description")),
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
                description=_text(schema.get("description")),
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
                description=_text(schema.get("description")),
            )

    # -- operations ---------------------------------------------------------------

    def _deref(self, value: Any, ptr: str, section: str) -> Any:
        """Follow a `$ref` into #/components/<section> (parameters, requestBodies, responses)."""
        seen: set[str] = set()
        while isinstance(value, Mapping) and "$ref" in value:
            ref = value["$ref"]
            prefix = f"#/components/{section}/"
            if not isinstance(ref, str) or not ref.startswith(prefix):
                raise self.ctx.fail(f"`$ref` {ref!r} must point into #/components/{section}", ptr)
            if ref in seen:
                raise self.ctx.fail(f"`$ref` cycle at {ref!r}", ptr)
            seen.add(ref)
            key = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
            value = ((self.ctx.spec.data.get("components") or {}).get(section) or {}).get(key)
            if value is None:
                raise self.ctx.fail(f"`$ref` {ref!r} names nothing", ptr)
        return value

    def build_operations(self) -> list[Operation]:
        paths = self.ctx.spec.data.get("paths") or {}
        raw: list[tuple[str, str, str, Mapping[str, Any], list[Any]]] = []
        for path, item in sorted(paths.items()):
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, Mapping):
                    op_id = op.get("operationId") or f"{method}_{path}"
                    raw.append((str(op_id), path, method, op, list(item.get("parameters") or [])))
        method_names = naming.method_names(op_id for op_id, *_ in raw)
        operations = []
        for op_id, path, method, op, shared_params in raw:
            ptr = pointer("paths", path, method)
            operations.append(
                self._operation(op_id, method_names[op_id], path, method, op, shared_params, ptr)
            )
        return sorted(operations, key=lambda o: o.python_name)

    def _operation(
        self,
        op_id: str,
        python_name: str,
        path: str,
        method: str,
        op: Mapping[str, Any],
        shared_params: list[Any],
        ptr: str,
    ) -> Operation:
        merged: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
        for index, param in enumerate(shared_params):
            p_ptr = pointer("paths", path, "parameters", index)
            resolved = self._deref(param, p_ptr, "parameters")
            merged[(resolved["in"], resolved["name"])] = (p_ptr, resolved)
        for index, param in enumerate(op.get("parameters") or []):
            p_ptr = f"{ptr}/parameters/{index}"
            resolved = self._deref(param, p_ptr, "parameters")
            merged[(resolved["in"], resolved["name"])] = (p_ptr, resolved)
        kept = [
            (p, s)
            for (loc, _), (p, s) in sorted(merged.items())
            if loc in ("path", "query", "header")
        ]
        names = naming.parameter_names((s["in"], s["name"]) for _, s in kept)
        parameters = []
        for p_ptr, param in kept:
            type_ref = self.type_of(param.get("schema", {"type": "string"}), p_ptr + "/schema")[0]
            parameters.append(
                Parameter(
                    name=param["name"],
                    python_name=names[(param["in"], param["name"])],
                    location=param["in"],
                    type=type_ref,
                    required=param.get("required") is True or param["in"] == "path",
                    description=_text(param.get("description")),
                )
            )
        # The client fills the path's `{name}` segments from its positional parameters, in
        # path order: each segment needs exactly one path parameter and each one a segment.
        segments = _PATH_SEGMENT.findall(path)
        declared = sorted(p.name for p in parameters if p.location == "path")
        if len(set(segments)) != len(segments) or sorted(segments) != declared:
            raise self.ctx.fail(
                f"the path parameters {declared} do not match the segments {segments} of "
                f"the path template {path!r}",
                ptr,
            )
        # Path parameters first in path order, then query, then header ones (the order the
        # client's `_http.Endpoint` lists them), each group required first, then by name.
        order = {name: path.find("{" + name + "}") for name in (p.name for p in parameters)}
        parameters.sort(
            key=lambda p: (
                ("path", "query", "header").index(p.location),
                order[p.name] if p.location == "path" else 0,
                not p.required,
                p.python_name,
            )
        )
        body = None
        if op.get("requestBody") is not None:
            rb_ptr = ptr + "/requestBody"
            request_body = self._deref(op["requestBody"], rb_ptr, "requestBodies")
            media = _json_media(request_body.get("content") or {})
            if media is not None:
                content_type, media_obj = media
                body_type = self.type_of(media_obj.get("schema", {}), rb_ptr + "/content")[0]
                body = RequestBody(body_type, request_body.get("required") is True, content_type)
        responses = []
        page_item: TypeRef | None = None
        for status, response in sorted((op.get("responses") or {}).items()):
            r_ptr = f"{ptr}/responses/{escape_pointer_token(status)}"
            resolved = self._deref(response, r_ptr, "responses")
            status = str(status)
            if not status[:1].isdigit() or status[0] not in "123":
                continue  # error responses are handled by the client's error classes
            media = _json_media(resolved.get("content") or {})
            response_type = None
            if media is not None:
                schema = media[1].get("schema")
                if schema is not None:
                    response_type = self.type_of(schema, r_ptr + "/content")[0]
                    if status.startswith("2") and page_item is None:
                        page_item = self._page_item(schema, response_type, r_ptr)
            responses.append(Response(status, response_type, _text(resolved.get("description"))))
        return Operation(
            operation_id=op_id,
            python_name=python_name,
            method=method.upper(),
            path=path,
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            parameters=tuple(parameters),
            request_body=body,
            responses=tuple(responses),
            permissions=_permissions(op.get("x-ms-permissions")),
            page_item=page_item,
            deprecated=op.get("deprecated") is True,
        )

    def _page_item(
        self, schema: Mapping[str, Any], response_type: TypeRef, ptr: str
    ) -> TypeRef | None:
        """The item type when a response is a Graph collection page (`value` + nextLink)."""
        target: Mapping[str, Any] | None = None
        if isinstance(response_type, ModelRef):
            target = self.ctx.schemas.get(response_type.name)
        elif isinstance(schema, Mapping) and schema.get("type") == "object":
            target = schema
        if not isinstance(target, Mapping):
            return None
        properties: dict[str, Any] = {}
        for part in [target, *[p for p in target.get("allOf") or [] if isinstance(p, Mapping)]]:
            properties.update(part.get("properties") or {})
            if "$ref" in part:
                ref_schema = self.ctx.schemas.get(part["$ref"][len(SCHEMA_PREFIX) :], {})
                properties.update(ref_schema.get("properties") or {})
        value = properties.get("value")
        if (
            not isinstance(value, Mapping)
            or value.get("type") != "array"
            or NEXT_LINK not in properties
        ):
            return None
        return self.type_of(value.get("items", {}), ptr + "/value/items")[0]


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


def _json_media(content: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    for content_type in sorted(content):
        if content_type.split(";")[0].strip().lower().endswith("json"):
            return content_type, content[content_type] or {}
    return None


def _permissions(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    result = []
    for entry in value:
        if isinstance(entry, Mapping):
            perms = entry.get("permissions")
            text = ", ".join(str(p) for p in perms) if isinstance(perms, list) else str(perms or "")
            result.append(f"{entry.get('type', '')}: {text}")
    return tuple(result)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _enum_chars(type_ref: TypeRef | None, enums: Mapping[str, EnumType]) -> int:
    """How much text a check on ``type_ref`` inlines for enum values."""
    if isinstance(type_ref, EnumRef):
        return sum(len(m.value) + 4 for m in enums[type_ref.name].members)
    if isinstance(type_ref, ArrayOf):
        return _enum_chars(type_ref.item, enums)
    if isinstance(type_ref, MapOf):
        return _enum_chars(type_ref.value, enums)
    return 0


def _check_expansion(
    spec: SpecFile,
    models: Mapping[str, Model],
    enums: Mapping[str, EnumType],
    operations: list[Operation],
) -> None:
    """Refuse a spec whose SDK would be far larger than the spec (fields repeated per
    subclass, enum values inlined per use), before any code is rendered or formatted."""
    total = 0
    for model in models.values():
        current: Model | None = model
        while current is not None:
            total += sum(
                80 + 3 * len(f.json_name) + _enum_chars(f.type, enums) for f in current.fields
            )
            current = models[current.base] if current.base else None
    for op in operations:
        total += _enum_chars(op.request_body.type if op.request_body else None, enums)
        total += sum(_enum_chars(r.type, enums) for r in op.responses)
    if total > MAX_CODE_CHARS:
        raise InputError(
            f"the spec would generate more than {MAX_CODE_CHARS // 1_000_000} MB of code "
            "(enum values are repeated at each use, fields in each subclass); split it",
            file=spec.path,
        )


def load_api(spec: SpecFile, *, validate: bool = True) -> Api:
    """A spec file (already parsed) to the IR, after validating it.

    ``validate=False`` is for a caller that holds the verdict on the spec: cached for its
    `validity_digest` (which covers every `$ref`, so their checks passed too), or worked
    out alongside by `Verdict`, which checks the `$ref`s before the validator resolves
    any. The IR builder itself only follows local pointers, in memory; schemas made of
    themselves are refused here too (cheaply), as resolving them would never end.
    """
    if validate:
        validate_spec(spec)
    else:
        check_ref_cycles(spec)
    loader = _Loader(spec)
    loader.classify()
    loader.build_enums()
    loader.build_models()
    operations = loader.build_operations()
    _check_expansion(spec, loader.models, loader.enums, operations)
    data = spec.data
    info = data.get("info") or {}
    servers = tuple(
        str(s["url"])
        for s in data.get("servers") or []
        if isinstance(s, Mapping) and isinstance(s.get("url"), str)
    )
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    security = tuple(
        sorted(
            name
            for name, scheme in schemes.items()
            if isinstance(scheme, Mapping)
            and (
                scheme.get("type") == "oauth2"
                or (
                    scheme.get("type") == "http"
                    and str(scheme.get("scheme", "")).lower() == "bearer"
                )
            )
        )
    )
    return Api(
        title=_text(info.get("title")),
        version=str(info.get("version", "")),
        description=_text(info.get("description")),
        servers=servers,
        models=tuple(loader.models[name] for name in sorted(loader.models)),
        enums=tuple(loader.enums[name] for name in sorted(loader.enums)),
        operations=tuple(operations),
        security=security,
    )
