"""Checks on what values a schema admits: its type and format, nullability, bounds
(max*/min*/multipleOf/...), pattern and default.

Each is judged in the directions the value travels (`directions`): accepting fewer values
breaks request callers, returning more (or null) breaks response readers. Where a value is
used both ways the most severe verdict is reported (`Walk.pick`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.diff.model import BREAKING, INFO, NON_BREAKING, CheckInfo, check, ptr, quote
from generator.diff.sites import ON_SCHEMA, ON_VALUE, SchemaPair, ValuePair
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "type-changed": check(BREAKING, "Changed", "A value's type changed: its SDK type changes."),
    "request-type-widened": check(
        NON_BREAKING,
        "Changed",
        "A request value went from integer to number (ints still accepted).",
    ),
    "response-type-narrowed": check(
        NON_BREAKING,
        "Changed",
        "A response value went from number to integer (an int is a float).",
    ),
    "format-changed": check(
        BREAKING,
        "Changed",
        "A value's format changed (e.g. int32 to int64, string to date-time).",
    ),
    "request-became-nullable": check(NON_BREAKING, "Changed", "A request value now accepts null."),
    "request-became-not-nullable": check(
        BREAKING, "Changed", "A request value no longer accepts null."
    ),
    "response-became-nullable": check(
        BREAKING, "Changed", "A response value may now be null: its SDK type gains None."
    ),
    "response-became-not-nullable": check(
        NON_BREAKING, "Changed", "A response value is no longer null."
    ),
    "request-constraint-narrowed": check(
        BREAKING,
        "Changed",
        "A request bound was added or tightened (max*/min*/multipleOf/...).",
    ),
    "request-constraint-widened": check(
        NON_BREAKING, "Changed", "A request bound was removed or loosened."
    ),
    "response-constraint-narrowed": check(
        NON_BREAKING, "Changed", "A response bound was added or tightened."
    ),
    "response-constraint-widened": check(
        BREAKING,
        "Changed",
        "A response bound was removed or loosened: values may exceed it.",
    ),
    "request-pattern-changed": check(
        BREAKING, "Changed", "A request value's pattern was added or changed."
    ),
    "request-pattern-removed": check(
        NON_BREAKING, "Changed", "A request value's pattern was removed."
    ),
    "response-pattern-changed": check(
        INFO, "Changed", "A response value's pattern was added, changed or removed."
    ),
    "request-default-changed": check(
        BREAKING,
        "Changed",
        "A request default changed: callers omitting the value get another.",
    ),
    "response-default-changed": check(INFO, "Changed", "A response default changed."),
}

_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum")
_FLAG_BOUNDS = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems")


@ON_SCHEMA.register
def nullable(walk: Walk, schema: SchemaPair) -> None:
    """Nullability as the ref wrappers spell it too (``anyOf: [$ref, {nullable: true}]``)."""
    was, now = schema.old_view.nullable, schema.new_view.nullable
    if was == now:
        return
    po, pn, dirs, what = schema.old_ptr, schema.new_ptr, schema.dirs, schema.what
    if now:
        check_id = walk.pick(dirs, "request-became-nullable", "response-became-nullable")
        walk.emit_at(
            check_id or "request-became-nullable",
            po,
            pn,
            True,
            f"{what} became nullable",
        )
    else:
        check_id = walk.pick(dirs, "request-became-not-nullable", "response-became-not-nullable")
        walk.emit_at(
            check_id or "request-became-not-nullable",
            po,
            pn,
            True,
            f"{what} is no longer nullable",
        )


@ON_VALUE.register
def type_or_format(walk: Walk, value: ValuePair) -> None:
    """A type change; else a format change (a format means little once the type moved)."""
    o, n, dirs, what = value.old, value.new, value.dirs, value.what
    ot, nt = _type_of(o), _type_of(n)
    if ot is not None and nt is not None and ot != nt:
        widened = walk.pick(
            dirs,
            ("request-type-widened" if (ot, nt) == ("integer", "number") else "type-changed"),
            None,
        )
        narrowed = walk.pick(
            dirs,
            None,
            ("response-type-narrowed" if (ot, nt) == ("number", "integer") else "type-changed"),
        )
        walk.emit(
            walk.severest(c for c in (widened, narrowed) if c is not None),
            "new",
            ptr(value.new_ptr, "type"),
            f"{what}: type changed from {ot} to {nt}",
        )
    elif o.get("format") != n.get("format"):
        _keyword_changed(walk, value, "format", "format-changed")


@ON_VALUE.register
def bounds(walk: Walk, value: ValuePair) -> None:
    o, n = value.old, value.new
    for key in _UPPER_BOUNDS + _LOWER_BOUNDS + _FLAG_BOUNDS + ("multipleOf",):
        ov, nv = o.get(key), n.get(key)
        if ov == nv:
            continue
        narrowed = _narrowed(key, ov, nv)
        if narrowed is None:
            continue
        check_id = walk.pick(
            value.dirs,
            ("request-constraint-narrowed" if narrowed else "request-constraint-widened"),
            ("response-constraint-narrowed" if narrowed else "response-constraint-widened"),
        )
        fallback = "request-constraint-narrowed" if narrowed else "request-constraint-widened"
        how = " (narrower)" if narrowed else " (wider)"
        _keyword_changed(walk, value, key, check_id or fallback, how)


@ON_VALUE.register
def pattern(walk: Walk, value: ValuePair) -> None:
    o, n = value.old, value.new
    if o.get("pattern") == n.get("pattern"):
        return
    request = "request-pattern-removed" if "pattern" not in n else "request-pattern-changed"
    check_id = walk.pick(value.dirs, request, "response-pattern-changed")
    _keyword_changed(walk, value, "pattern", check_id or request)


@ON_VALUE.register
def default(walk: Walk, value: ValuePair) -> None:
    if value.old.get("default") == value.new.get("default"):
        return
    check_id = walk.pick(value.dirs, "request-default-changed", "response-default-changed")
    _keyword_changed(walk, value, "default", check_id or "request-default-changed")


def _keyword_changed(walk: Walk, value: ValuePair, key: str, check_id: str, how: str = "") -> None:
    """Report ``key``'s old and new values, pointing where it is now (where it was, if dropped)."""
    old, new = quote(value.old.get(key)), quote(value.new.get(key))
    walk.emit_at(
        check_id,
        ptr(value.old_ptr, key),
        ptr(value.new_ptr, key),
        key in value.new,
        f"{value.what}: {key} changed from {old} to {new}{how}",
    )


def _type_of(schema: Mapping[str, Any]) -> str | None:
    """The declared type, or the one its keywords imply (properties: object, items: array)."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if any(k in schema for k in ("properties", "allOf", "additionalProperties")):
        return "object"
    if "items" in schema:
        return "array"
    return None


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _narrowed(key: str, ov: Any, nv: Any) -> bool | None:
    """Whether moving a bound from ``ov`` to ``nv`` accepts fewer values (None: no real change)."""
    if key in _FLAG_BOUNDS:
        if bool(ov) == bool(nv):
            return None
        return bool(nv)
    if nv is None:
        return False
    if ov is None:
        return True
    if not (_is_num(ov) and _is_num(nv)):
        return True
    if key in _UPPER_BOUNDS:
        return bool(nv < ov)
    if key in _LOWER_BOUNDS:
        return bool(nv > ov)
    # multipleOf: wider only when every old multiple is still a multiple of the new step
    return not (nv != 0 and float(ov / nv).is_integer())
