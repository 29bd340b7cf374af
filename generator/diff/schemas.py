"""Schemas: the component schemas that came or went, and the walk down a pair of schemas
(through ``$ref`` wrappers, into the properties of an object with its ``allOf`` bases merged,
into array items and map values), with the checks on a schema where it is used.

Components are compared once, under ``/components/schemas``, judged in the directions that
reach them (`directions`); a ``$ref`` to the same component on both sides is not re-walked
where it is used, and a ``$ref`` to another one is one change (the SDK type changes), not a
walk into two unrelated schemas. A property inherited from the same base on both sides is
reported by that base, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.diff.directions import BOTH, REQUEST, RESPONSE, Directions
from generator.diff.document import compare_deprecated
from generator.diff.forms import unwrap
from generator.diff.model import (
    BREAKING,
    NON_BREAKING,
    CheckInfo,
    Side,
    as_map,
    check,
    ptr,
    quote,
    ref_name,
)
from generator.diff.sites import (
    ON_PROPERTY,
    ON_SCHEMA,
    ON_VALUE,
    PropertyPair,
    SchemaPair,
    ValuePair,
)
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "schema-added": check(NON_BREAKING, "Added", "A new schema: a new SDK model or enum."),
    "schema-removed": check(
        BREAKING, "Removed", "A schema was removed: its SDK model or enum vanishes."
    ),
    "schema-deprecated": check(NON_BREAKING, "Deprecated", "A schema was deprecated."),
    "schema-ref-changed": check(
        BREAKING,
        "Changed",
        "A value now refers to a different schema: its SDK type changes.",
    ),
    "request-property-removed": check(
        BREAKING, "Removed", "A request property was removed: the SDK field vanishes."
    ),
    "response-property-removed": check(
        BREAKING, "Removed", "A response property was removed: the SDK field vanishes."
    ),
    "request-required-property-added": check(
        BREAKING, "Changed", "A new required request property: existing calls lack it."
    ),
    "request-optional-property-added": check(
        NON_BREAKING, "Added", "A new optional request property."
    ),
    "response-property-added": check(NON_BREAKING, "Added", "A new response property."),
}

_OWN = ""  # source marker of a property declared on the schema itself


@dataclass(frozen=True)
class _Prop:
    schema: Mapping[str, Any]
    pointer: str
    source: str  # _OWN or the $ref of the direct base it is inherited through


@dataclass(frozen=True)
class _Shape:
    props: dict[str, _Prop]
    required: frozenset[str]
    bases: frozenset[str]  # every base $ref, transitively


# ---------------------------------------------------------------------------- the walk


def compare_components(walk: Walk) -> None:
    """Component schemas added, removed, or compared in the directions that reach them."""
    o = as_map(as_map(walk.docs["old"].get("components")).get("schemas"))
    n = as_map(as_map(walk.docs["new"].get("components")).get("schemas"))
    for name in sorted(set(o) | set(n)):
        p = ptr("/components/schemas", name)
        what = f"schema {quote(name)}"
        if name not in n:
            walk.emit("schema-removed", "old", p, f"{what} removed")
        elif name not in o:
            walk.emit("schema-added", "new", p, f"{what} added")
        else:
            ref = "#" + p
            dirs = frozenset(walk.usage["old"].get(ref, set()) | walk.usage["new"].get(ref, set()))
            compare_schema(
                walk, as_map(o[name]), as_map(n[name]), p, p, dirs or BOTH, "schema", what
            )


def compare_schema(
    walk: Walk,
    o: Mapping[str, Any],
    n: Mapping[str, Any],
    po: str,
    pn: str,
    dirs: Directions,
    kind: str,
    what: str,
) -> None:
    """Compare two schemas used in ``dirs``; ``kind`` is schema/property/body/parameter/items."""
    component = kind == "schema"
    uo, un = unwrap(o, po, component), unwrap(n, pn, component)
    ON_SCHEMA.run(walk, SchemaPair(o, n, po, pn, what, dirs, kind, uo, un))
    if uo.ref is not None and un.ref is not None:
        return  # both name a component: compared under /components/schemas, or a ref change
    os_, pos = (walk.deref("old", {"$ref": uo.ref}, po)) if uo.ref else (o, po)
    ns_, pns = (walk.deref("new", {"$ref": un.ref}, pn)) if un.ref else (n, pn)
    if (pos, pns) in walk.seen_pairs:
        return
    walk.seen_pairs.add((pos, pns))
    _compare_value(walk, ValuePair(os_, ns_, pos, pns, what, dirs))


def _compare_value(walk: Walk, value: ValuePair) -> None:
    """The checks on what two schemas admit, then their properties, items and map values."""
    ON_VALUE.run(walk, value)
    _compare_properties(walk, value)
    for key, suffix in (("items", "items"), ("additionalProperties", "values")):
        oi, ni = value.old.get(key), value.new.get(key)
        if isinstance(oi, Mapping) and isinstance(ni, Mapping):
            compare_schema(
                walk,
                oi,
                ni,
                ptr(value.old_ptr, key),
                ptr(value.new_ptr, key),
                value.dirs,
                "items",
                f"{value.what} {suffix}",
            )


def _compare_properties(walk: Walk, value: ValuePair) -> None:
    """Match an object's properties (its bases' merged in) and walk each matched pair."""
    o, n, dirs, what = value.old, value.new, value.dirs, value.what
    if not any(k in s for s in (o, n) for k in ("properties", "allOf")):
        return
    so, sn = _shape(walk, "old", o, value.old_ptr), _shape(walk, "new", n, value.new_ptr)
    for name in sorted(set(so.props) | set(sn.props)):
        op_, np_ = so.props.get(name), sn.props.get(name)
        label = f"{what} property {quote(name)}"
        if op_ is not None and np_ is not None:
            if op_.source != _OWN and op_.source == np_.source:
                continue  # inherited from the same base on both sides: the base reports it
            pdirs = _property_dirs(dirs, op_.schema, np_.schema)
            was, now = name in so.required, name in sn.required
            pair = PropertyPair(
                op_.schema, np_.schema, op_.pointer, np_.pointer, label, dirs, pdirs, was, now
            )
            ON_PROPERTY.run(walk, pair)
            compare_schema(
                walk, op_.schema, np_.schema, op_.pointer, np_.pointer, pdirs, "property", label
            )
        elif op_ is not None:
            if op_.source != _OWN and op_.source in sn.bases:
                continue
            pdirs = _property_dirs(dirs, op_.schema, op_.schema)
            check_id = walk.pick(pdirs, "request-property-removed", "response-property-removed")
            walk.emit(
                check_id or "response-property-removed",
                "old",
                op_.pointer,
                f"{label} removed",
            )
        elif np_ is not None:
            if np_.source != _OWN and np_.source in so.bases:
                continue
            pdirs = _property_dirs(dirs, np_.schema, np_.schema)
            request = (
                "request-required-property-added"
                if name in sn.required
                else "request-optional-property-added"
            )
            check_id = walk.pick(pdirs, request, "response-property-added")
            kind = "required" if name in sn.required else "optional"
            walk.emit(
                check_id or "response-property-added",
                "new",
                np_.pointer,
                f"{label} added ({kind})",
            )


def _shape(walk: Walk, side: Side, schema: Mapping[str, Any], pointer: str) -> _Shape:
    """Properties of an object with its ``allOf`` bases merged in (own ones win)."""
    props: dict[str, _Prop] = {}
    required: set[str] = set()
    bases: set[str] = set()

    def collect(s: Mapping[str, Any], p: str, source: str, seen: set[str]) -> None:
        for name, ps in as_map(s.get("properties")).items():
            if name not in props and isinstance(ps, Mapping):
                props[name] = _Prop(ps, ptr(p, "properties", name), source)
        req = s.get("required")
        if isinstance(req, list):
            required.update(str(r) for r in req)
        parts = s.get("allOf")
        for i, part in enumerate(parts if isinstance(parts, list) else []):
            if not isinstance(part, Mapping):
                continue
            part_p = ptr(p, "allOf", str(i))
            ref = part.get("$ref")
            if isinstance(ref, str):
                if ref in seen:
                    continue
                bases.add(ref)
                target, target_p = walk.deref(side, part, part_p)
                collect(
                    target,
                    target_p,
                    source if source != _OWN else ref,
                    seen | {ref},
                )
            else:
                collect(part, part_p, source, seen)

    collect(schema, pointer, _OWN, set())
    return _Shape(props, frozenset(required), frozenset(bases))


def _property_dirs(dirs: Directions, o: Mapping[str, Any], n: Mapping[str, Any]) -> Directions:
    """A read-only property never travels in a request, a write-only one never in a response."""
    result = set(dirs)
    if o.get("readOnly") and n.get("readOnly"):
        result.discard(REQUEST)
    if o.get("writeOnly") and n.get("writeOnly"):
        result.discard(RESPONSE)
    return frozenset(result) or frozenset({RESPONSE})


# ---------------------------------------------------------------------------- checks


@ON_SCHEMA.register
def schema_deprecated(walk: Walk, schema: SchemaPair) -> None:
    if schema.kind != "property":  # a property's deprecation is its own check (`properties`)
        compare_deprecated(walk, schema, "schema-deprecated")


@ON_SCHEMA.register
def schema_ref_changed(walk: Walk, schema: SchemaPair) -> None:
    old_ref, new_ref = schema.old_view.ref, schema.new_view.ref
    if old_ref is not None and new_ref is not None and old_ref != new_ref:
        walk.emit(
            "schema-ref-changed",
            "new",
            schema.new_ptr,
            f"{schema.what} changed from {quote(ref_name(old_ref))} to {quote(ref_name(new_ref))}",
        )
