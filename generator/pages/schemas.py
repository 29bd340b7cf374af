"""The type model written out as ``components.schemas``, in Graph's conventions.

Primitive EDM types become OpenAPI types with their formats and integer bounds, inheritance
becomes ``allOf`` with a base ``$ref`` and an ``@odata.type`` discriminator, properties the
page calls nullable become nullable, and Graph's OData error body gets its four schemas. Types
a property names but no page defines are added here as stubs, and reported; a name that is
no type at all (``Int23``) is reported and typed as any value rather than made a model.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from generator.pages.model import TypeText
from generator.pages.names import property_description, qualify
from generator.pages.typemodel import ENTITY, PropDef, TypeModel
from generator.spec.openapi import SCHEMA_PREFIX

ERROR_SCHEMA = "microsoft.graph.ODataErrors.ODataError"

INT_BOUNDS = {
    "int8": (-128, 127),
    "uint8": (0, 255),
    "int16": (-32768, 32767),
    "int32": (-2147483648, 2147483647),
    "int64": (-9223372036854775808, 9223372036854775807),
}

# Graph (EDM) primitive type names, lower-cased, to OpenAPI schemas.
PRIMITIVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "int32": {"type": "integer", "format": "int32"},
    "integer": {"type": "integer", "format": "int32"},
    "int": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "int16": {"type": "integer", "format": "int16"},
    "byte": {"type": "integer", "format": "uint8"},
    "sbyte": {"type": "integer", "format": "int8"},
    "double": {"type": "number", "format": "double"},
    "single": {"type": "number", "format": "float"},
    "decimal": {"type": "number", "format": "decimal"},
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "datetimeoffset": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "datetime": {"type": "string", "format": "date-time"},  # pages' name for DateTimeOffset
    "date": {"type": "string", "format": "date"},
    "timeofday": {"type": "string", "format": "time"},
    "duration": {"type": "string", "format": "duration"},
    "guid": {"type": "string", "format": "uuid"},
    "binary": {"type": "string", "format": "base64url"},
    "stream": {"type": "string", "format": "binary"},  # raw bytes, not base64url text
    "url": {"type": "string"},
}


# The primitive names pages write, spelled as the docs spell them (for "did you mean").
_PRIMITIVE_NAMES = {
    name.lower(): name
    for name in (
        "String", "Int32", "Int64", "Int16", "Byte", "SByte", "Double", "Single", "Decimal",
        "Boolean", "DateTimeOffset", "Date", "TimeOfDay", "Duration", "Guid", "Binary", "Stream",
    )
}  # fmt: skip


def _near_primitive(name: str) -> str | None:
    """The primitive an unlinked, undefined type name is a misspelling of (``Int23``,
    ``Boolen``, ``UInt32``), or None when it reads as a type name of its own."""
    if "." in name:
        return None
    low = name.lower()
    if re.fullmatch(r"u?int\d*|edm\w*", low):
        return "Int32" if low.startswith(("int", "uint")) else "an Edm primitive"
    close = difflib.get_close_matches(low, list(_PRIMITIVE_NAMES), n=1, cutoff=0.8)
    return _PRIMITIVE_NAMES[close[0]] if close else None


def _entity_props() -> list[tuple[str, dict[str, Any], bool]]:
    """The one property of Graph's root type ``entity`` (name, schema, required), made anew."""
    return [
        (
            "id",
            {"type": "string", "description": "The unique identifier for an entity. Read-only."},
            False,
        )
    ]


class Schemas:
    """Turns the type model into ``components.schemas``."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        self.out: dict[str, dict[str, Any]] = {}

    def type_schema(
        self,
        type_text: TypeText,
        ns: str,
        enum_values: tuple[str, ...],
        source: str,
        line: int,
    ) -> dict[str, Any]:
        linked = self.model.linked(type_text, source)
        name = linked or type_text.name
        item = self.scalar_schema(name, ns, enum_values, source, line, type_text.link is not None)
        if type_text.collection:
            return {"type": "array", "items": item}
        return item

    def scalar_schema(
        self,
        name: str,
        ns: str,
        enum_values: tuple[str, ...],
        source: str,
        line: int,
        linked: bool = False,
    ) -> dict[str, Any]:
        prim = PRIMITIVES.get(name.lower())
        if prim is not None:
            schema = dict(prim)
            bounds = INT_BOUNDS.get(str(schema.get("format")))
            if bounds:
                schema["minimum"], schema["maximum"] = bounds
            return schema
        collection = re.fullmatch(r"Collection\(([^()]+)\)", name)
        if collection:  # an annotation's "Collection(microsoft.graph.x)"
            item = self.scalar_schema(collection.group(1), ns, enum_values, source, line, linked)
            return {"type": "array", "items": item}
        if name.lower().startswith("edm."):
            return self.scalar_schema(name[4:], ns, enum_values, source, line, linked)
        if not name or not re.fullmatch(r"[A-Za-z_][\w.]*", name):
            self.model.diag(
                source,
                line,
                "type-unknown",
                f"type {name!r} not understood; emitted as any value",
            )
            return {}
        full = qualify(name, ns)
        t = self.model.get(full)
        if t is None and not linked and not enum_values:
            near = _near_primitive(name)
            if near is not None:
                self.model.diag(
                    source,
                    line,
                    "type-unknown",
                    f"type {name!r} is no primitive type (did you mean {near}?) and no page "
                    "defines it; emitted as any value",
                )
                return {}
        if t is None:
            # Graph's type names start in lower case ("Recipient" in a cell is recipient):
            # the name its page gives, so adding that page later does not rename the schema.
            head, _, last = full.rpartition(".")
            full = f"{head}.{last[:1].lower()}{last[1:]}"
            if enum_values:
                t = self.model.ensure(full, "enum", source, line)
            else:
                t = self.model.ensure(full, "object", source, line)
                t.stub = True
                self.model.diag(
                    source,
                    line,
                    "type-stub",
                    f"type {full} is not defined by any page given; pass --pages-root or the "
                    "resource page (emitted as an empty object schema)",
                )
        if t.kind == "enum":
            for v in enum_values:
                t.add_member(v)
        return {"$ref": SCHEMA_PREFIX + t.name}

    def property_schema(self, prop: PropDef) -> dict[str, Any]:
        schema = self.type_schema(
            prop.type, prop.namespace, prop.enum_values, prop.source, prop.line
        )
        # Nullable only where the page says so: an optional property may be left out of a
        # body, which is not the same as the service sending null for it.
        stated = prop.nullable if prop.nullable is not None else not prop.required
        nullable = stated and schema.get("type") != "array" and schema != {}
        if "$ref" in schema:
            out: dict[str, Any] = (
                {"anyOf": [schema, {"type": "object", "nullable": True}]}
                if nullable
                else {"allOf": [schema]}
            )
        else:
            out = dict(schema)
            if nullable:
                out["nullable"] = True
        desc = property_description(prop.description)
        if desc:
            out["description"] = desc
        if prop.navigation:
            out["x-ms-navigationProperty"] = True
        if prop.deprecated:
            out["deprecated"] = True
        if set(out) == {"allOf"}:
            return dict(out["allOf"][0])
        return out

    def build(self) -> dict[str, dict[str, Any]]:
        model = self.model
        # Resolve property types first: that may add enum and stub types.
        resolved: dict[str, list[tuple[str, dict[str, Any], bool]]] = {}
        for t in list(model.types.values()):
            if t.base and model.get(t.base) is None and t.base.lower() == ENTITY.lower():
                model.ensure(t.base, "object", t.source, t.line)
                resolved[ENTITY.lower()] = _entity_props()
        for key in sorted(model.types):
            if key in resolved:
                continue
            t = model.types[key]
            if t.kind != "object":
                continue
            inherited = {p.name.lower() for a in model.ancestors(t) for p in a.props}
            if any(a.name.lower() == ENTITY.lower() for a in model.ancestors(t)):
                inherited.add("id")
            own = [p for p in t.props if p.name.lower() not in inherited]
            resolved[key] = [(p.name, self.property_schema(p), p.required) for p in own]
        for t in list(model.types.values()):
            if t.base and model.get(t.base) is None:
                b = model.ensure(t.base, "object", t.source, t.line)
                if b.name.lower() == ENTITY.lower():
                    resolved[b.name.lower()] = _entity_props()
                else:
                    b.stub = True
                    model.diag(
                        t.source,
                        t.line,
                        "type-stub",
                        f"base type {b.name} is not defined by any page given; pass --pages-root "
                        "or the resource page (emitted as an empty object schema)",
                    )
                    resolved[b.name.lower()] = []
        children: dict[str, list[str]] = {}
        for t in model.types.values():
            base = model.get(t.base) if t.base else None
            if base is not None:
                children.setdefault(base.name.lower(), []).append(t.name)
        for key in sorted(model.types):
            t = model.types[key]
            if t.kind == "enum":
                schema: dict[str, Any] = {"type": "string"}
                if t.description:
                    schema["description"] = t.description
                schema["enum"] = list(t.members)
                self.out[t.name] = schema
                continue
            descendants = sorted(self.descendants(key, children))
            props: dict[str, Any] = {}
            required: list[str] = []
            for name, pschema, req in resolved.get(key, []):
                props[name] = pschema
                if req:
                    required.append(name)
            base = model.get(t.base) if t.base else None
            # A type sent tagged but in no family names itself (the SDK then fills the tag).
            self_tagged = t.sent_tagged and base is None and not descendants
            if (descendants or self_tagged) and base is None:
                props["@odata.type"] = {"type": "string"}
            body: dict[str, Any] = {"type": "object"}
            if props or base is None:
                body["properties"] = props
            if required:
                body["required"] = required
            if descendants or self_tagged:
                body["discriminator"] = {
                    "propertyName": "@odata.type",
                    "mapping": {"#" + d: SCHEMA_PREFIX + d for d in descendants or [t.name]},
                }
            if t.open_type:
                body["additionalProperties"] = True
            if base is not None:
                schema = {"allOf": [{"$ref": SCHEMA_PREFIX + base.name}, body]}
            else:
                schema = body
            if t.description:
                schema["description"] = t.description
            if t.abstract:
                schema["x-ms-abstract"] = True  # only its subtypes exist as instances
            self.out[t.name] = schema
        return self.out

    def descendants(self, key: str, children: dict[str, list[str]]) -> set[str]:
        found: set[str] = set()
        stack = list(children.get(key, []))
        while stack:
            name = stack.pop()
            if name in found:
                continue
            found.add(name)
            stack.extend(children.get(name.lower(), []))
        return found


def error_schemas() -> dict[str, dict[str, Any]]:
    """Graph's error body: ``{"error": {"code", "message", "target", "details", "innerError"}}``."""
    nullable_string = {"type": "string", "nullable": True}
    return {
        "microsoft.graph.ODataErrors.ErrorDetails": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": dict(nullable_string),
            },
            "required": ["code", "message"],
        },
        "microsoft.graph.ODataErrors.InnerError": {
            "type": "object",
            "properties": {
                "request-id": {
                    **nullable_string,
                    "description": "Request Id as tracked internally by the service",
                },
                "client-request-id": {
                    **nullable_string,
                    "description": "Client request Id as sent by the client application.",
                },
                "date": {
                    "type": "string",
                    "format": "date-time",
                    "nullable": True,
                    "description": "Date when the error occured.",
                },
            },
            "description": "The structure of this object is service-specific",
        },
        "microsoft.graph.ODataErrors.MainError": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": dict(nullable_string),
                "details": {
                    "type": "array",
                    "items": {"$ref": SCHEMA_PREFIX + "microsoft.graph.ODataErrors.ErrorDetails"},
                },
                "innerError": {
                    "anyOf": [
                        {"$ref": SCHEMA_PREFIX + "microsoft.graph.ODataErrors.InnerError"},
                        {"type": "object", "nullable": True},
                    ]
                },
            },
            "required": ["code", "message"],
        },
        ERROR_SCHEMA: {
            "type": "object",
            "properties": {
                "error": {"$ref": SCHEMA_PREFIX + "microsoft.graph.ODataErrors.MainError"}
            },
            "required": ["error"],
        },
    }
