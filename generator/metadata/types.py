"""One place for "which OpenAPI type/format is this OData type", and the signatures that let an
OpenAPI property schema and a CSDL property compare as equal values.

A `Signature` is what a property's type says, normalised: the OpenAPI ``type`` (or the
qualified name of a named type), ``format``, whether it is a collection, and whether it is
nullable. Both sides are reduced to it: `schema_signature` reads what apigen writes
(``$ref``, ``allOf: [$ref]``, ``anyOf: [$ref, {nullable}]``, ``nullable: true``, arrays) and
`csdl_signature` reads a CSDL property, parameter or return type.

Nullability of a collection is left unknown (None) on both sides: in CSDL it speaks of the
items, and OpenAPI arrays apigen writes are never null.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from generator.pages.schemas import PRIMITIVES
from generator.spec.openapi import PARTIAL_OF
from generator.spec.openapi import SCHEMA_PREFIX as REF

__all__ = [
    "EDM",
    "Signature",
    "csdl_signature",
    "edm_name",
    "openapi_schema",
    "page_type_signature",
    "schema_signature",
]

# The OData primitive types and the OpenAPI (type, format) apigen's specs use for them.
EDM: dict[str, tuple[str, str | None]] = {
    "Edm.String": ("string", None),
    "Edm.Int32": ("integer", "int32"),
    "Edm.Int64": ("integer", "int64"),
    "Edm.Int16": ("integer", "int16"),
    "Edm.Byte": ("integer", "uint8"),
    "Edm.SByte": ("integer", "int8"),
    "Edm.Boolean": ("boolean", None),
    "Edm.DateTimeOffset": ("string", "date-time"),
    "Edm.Date": ("string", "date"),
    "Edm.TimeOfDay": ("string", "time"),
    "Edm.Duration": ("string", "duration"),
    "Edm.Guid": ("string", "uuid"),
    "Edm.Double": ("number", "double"),
    "Edm.Single": ("number", "float"),
    "Edm.Decimal": ("number", "decimal"),
    "Edm.Binary": ("string", "base64url"),
    "Edm.Stream": ("string", "binary"),
    "Edm.Untyped": ("any", None),
    "Edm.PrimitiveType": ("any", None),
}
_EDM_LOWER = {k[4:].lower(): k for k in EDM}
_BY_OPENAPI = {v: k for k, v in EDM.items() if v[0] != "any"}
OPENAPI_KINDS = frozenset({"string", "integer", "number", "boolean", "object", "any", "array"})


@dataclass(frozen=True, slots=True)
class Signature:
    """A type as both sides can state it. ``type`` is an OpenAPI type (``string``,
    ``integer``, ``number``, ``boolean``, ``object``, ``any``) or a qualified type name."""

    type: str
    format: str | None = None
    collection: bool = False
    nullable: bool | None = None

    @property
    def named(self) -> bool:
        return self.type not in OPENAPI_KINDS

    def same_type(self, other: Signature) -> bool:
        """Type, format and collection agree (nullability is judged apart)."""
        return (self.type, self.format, self.collection) == (
            other.type,
            other.format,
            other.collection,
        )

    def differs_only_in_case(self, other: Signature) -> bool:
        return not self.same_type(other) and (
            self.type.lower(),
            self.format,
            self.collection,
        ) == (other.type.lower(), other.format, other.collection)

    def describe(self) -> str:
        """``Edm.Int32``, ``Collection(microsoft.graph.itemBody)``, ``integer`` (no Edm name)."""
        inner = self.type if self.named else (edm_name(self.type, self.format) or self.plain())
        return f"Collection({inner})" if self.collection else inner

    def plain(self) -> str:
        return self.type if self.format is None else f"{self.type}/{self.format}"


class _Typed(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def collection(self) -> bool: ...
    @property
    def nullable(self) -> bool: ...


def edm_name(kind: str, format: str | None) -> str | None:
    """The Edm type an OpenAPI (type, format) stands for, if any."""
    return _BY_OPENAPI.get((kind, format))


def csdl_signature(item: _Typed) -> Signature:
    """A CSDL property, navigation property, parameter or return type as a `Signature`."""
    kind, fmt = EDM.get(item.type, (item.type, None))
    return Signature(kind, fmt, item.collection, None if item.collection else item.nullable)


def _is_null_alternative(schema: Any) -> bool:
    """``{type: object, nullable: true}`` (apigen's and Graph's "or null"), ``{nullable: true}``
    or ``{type: 'null'}``: an alternative that only admits null."""
    if not isinstance(schema, Mapping):
        return False
    if schema.get("type") == "null":
        return True
    return schema.get("nullable") is True and set(schema) <= {"type", "nullable", "description"}


def schema_signature(schema: Any) -> Signature:
    """An OpenAPI property schema as a `Signature` (its ``$ref``s are not followed)."""
    if not isinstance(schema, Mapping):
        return Signature("any")
    nullable = schema.get("nullable") is True
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        ref = schema.get(PARTIAL_OF)  # an update body built from pages: its entity's type
    if isinstance(ref, str):
        name = ref.removeprefix(REF)
        return Signature(name, None, False, nullable)
    for key in ("anyOf", "oneOf"):
        parts = schema.get(key)
        if isinstance(parts, list) and parts:
            real = [p for p in parts if not _is_null_alternative(p)]
            if len(real) == 1:
                inner = schema_signature(real[0])
                is_null = nullable or len(real) < len(parts) or inner.nullable is True
                return _with_nullable(inner, is_null)
            return Signature("any", None, False, nullable)
    parts = schema.get("allOf")
    if isinstance(parts, list) and parts:
        if len(parts) == 1 and not schema.get("properties"):
            inner = schema_signature(parts[0])
            return _with_nullable(inner, nullable or inner.nullable is True)
        return Signature("object", None, False, nullable)
    kind = schema.get("type")
    if kind == "array":
        items = schema_signature(schema.get("items"))
        if items.collection:
            return Signature("array", None, True, None)
        return Signature(items.type, items.format, True, None)
    if isinstance(kind, str) and kind in OPENAPI_KINDS:
        fmt = schema.get("format")
        return Signature(kind, fmt if isinstance(fmt, str) else None, False, nullable)
    if "properties" in schema:
        return Signature("object", None, False, nullable)
    return Signature("any", None, False, nullable)


def _with_nullable(sig: Signature, nullable: bool) -> Signature:
    if sig.collection:
        return sig
    return Signature(sig.type, sig.format, sig.collection, nullable)


_COLLECTION = re.compile(r"Collection\((.+)\)", re.IGNORECASE)


def page_type_signature(text: str) -> Signature:
    """What a page's type cell means, as `compare.page_evidence` keeps it (``Int32``,
    ``Collection(String)``, ``microsoft.graph.itemBody``): an Edm name (``Stream``,
    ``Edm.Int64``) by this module's table, any other word pages use (``Timestamp``, ``Url``)
    by apigen's own page-type table (`generator.pages.build`), a name as a named type.
    """
    text = text.strip()
    m = _COLLECTION.fullmatch(text)
    name = m.group(1).strip() if m else text
    bare = name[4:] if name.lower().startswith("edm.") else name
    edm = _EDM_LOWER.get(bare.lower())
    prim = PRIMITIVES.get(bare.lower())
    if edm is not None:
        sig = Signature(*EDM[edm])
    elif prim is not None:
        sig = schema_signature(prim)
    elif re.fullmatch(r"[A-Za-z_][\w.]*", name):
        sig = Signature(name)
    else:
        sig = Signature("any")
    return Signature(sig.type, sig.format, m is not None, None)


def openapi_schema(type_name: str, collection: bool = False) -> dict[str, Any]:
    """The OpenAPI schema apigen's conventions give an OData type: ``{type, format}`` for
    an Edm type, a ``$ref`` for a named one, an array around it for a collection."""
    if type_name in EDM:
        kind, fmt = EDM[type_name]
        item: dict[str, Any] = {} if kind == "any" else {"type": kind}
        if fmt is not None:
            item["format"] = fmt
    else:
        item = {"$ref": REF + type_name}
    return {"type": "array", "items": item} if collection else item
