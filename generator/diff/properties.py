"""Checks on a property present on both sides: whether it is required, read-only, deprecated.

A property is a field of an SDK model. In requests, requiring it breaks calls that leave it
out and making it read-only stops the SDK sending it; in responses, making a required one
optional adds ``UNSET`` to its type. Which properties came or went is decided where objects
are matched (`schemas`), and a property's value is compared as a schema there too.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.diff.directions import REQUEST
from generator.diff.document import compare_deprecated
from generator.diff.model import BREAKING, NON_BREAKING, CheckInfo, check, ptr
from generator.diff.sites import ON_PROPERTY, ON_SCHEMA, PropertyPair, SchemaPair
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "request-property-became-required": check(
        BREAKING, "Changed", "An optional request property became required."
    ),
    "request-property-became-optional": check(
        NON_BREAKING, "Changed", "A required request property became optional."
    ),
    "response-property-became-required": check(
        NON_BREAKING, "Changed", "An optional response property is now always present."
    ),
    "response-property-became-optional": check(
        BREAKING,
        "Changed",
        "A required response property became optional: its type gains UNSET.",
    ),
    "request-property-became-read-only": check(
        BREAKING,
        "Changed",
        "A request property became read-only: the SDK stops sending it.",
    ),
    "request-property-became-writable": check(
        NON_BREAKING, "Changed", "A read-only property can now be sent."
    ),
    "property-deprecated": check(NON_BREAKING, "Deprecated", "A property was deprecated."),
}


@ON_PROPERTY.register
def property_required(walk: Walk, prop: PropertyPair) -> None:
    if prop.now_required and not prop.was_required:
        check_id = walk.pick(
            prop.property_dirs,
            "request-property-became-required",
            "response-property-became-required",
        )
        walk.emit(
            check_id or "request-property-became-required",
            "new",
            prop.new_ptr,
            f"{prop.what} became required",
        )
    elif prop.was_required and not prop.now_required:
        check_id = walk.pick(
            prop.property_dirs,
            "request-property-became-optional",
            "response-property-became-optional",
        )
        walk.emit(
            check_id or "response-property-became-optional",
            "new",
            prop.new_ptr,
            f"{prop.what} became optional",
        )


@ON_PROPERTY.register
def property_read_only(walk: Walk, prop: PropertyPair) -> None:
    """Only callers sending the object feel it, so it is judged by the object's directions."""
    if REQUEST not in prop.dirs:
        return
    was_ro, now_ro = bool(prop.old.get("readOnly")), bool(prop.new.get("readOnly"))
    if now_ro and not was_ro:
        walk.emit(
            "request-property-became-read-only",
            "new",
            ptr(prop.new_ptr, "readOnly"),
            f"{prop.what} became read-only",
        )
    elif was_ro and not now_ro:
        walk.emit(
            "request-property-became-writable",
            "new",
            prop.new_ptr,
            f"{prop.what} is no longer read-only",
        )


@ON_SCHEMA.register
def property_deprecated(walk: Walk, schema: SchemaPair) -> None:
    if schema.kind == "property":
        compare_deprecated(walk, schema, "property-deprecated")
