"""Enum checks: members removed or added, and a value becoming or ceasing to be an enum.

Removing a member is breaking everywhere (the SDK enum loses it). Adding one is non-breaking
in requests; in responses it is non-breaking for an evolvable enum (one with
``unknownFutureValue``: the SDK maps unknown members onto it, as Graph clients do) and breaking
otherwise (an older SDK rejects the new value). Members are compared as JSON text, so ``1`` and
``"1"`` stay distinct.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.diff.model import BREAKING, NON_BREAKING, CheckInfo, check, ptr, quote
from generator.diff.sites import ON_VALUE, ValuePair
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "enum-value-removed": check(
        BREAKING, "Removed", "An enum member was removed: the SDK enum loses a member."
    ),
    "request-enum-value-added": check(NON_BREAKING, "Added", "A request enum gained a member."),
    "response-enum-value-added": check(
        BREAKING,
        "Changed",
        "A non-evolvable response enum gained a member older SDKs reject.",
    ),
    "response-evolvable-enum-value-added": check(
        NON_BREAKING,
        "Added",
        "An evolvable (unknownFutureValue) response enum gained a member.",
    ),
    "became-enum": check(BREAKING, "Changed", "A free value became an enum: its SDK type changes."),
    "request-enum-removed": check(
        NON_BREAKING, "Changed", "A request value is no longer limited to an enum."
    ),
    "response-enum-removed": check(
        BREAKING,
        "Changed",
        "A response value is no longer limited to an enum: any value may come.",
    ),
}


@ON_VALUE.register
def enum_members(walk: Walk, value: ValuePair) -> None:
    oe, ne = value.old.get("enum"), value.new.get("enum")
    what, pn = value.what, value.new_ptr
    if not isinstance(oe, list) and not isinstance(ne, list):
        return
    if not isinstance(oe, list):
        walk.emit("became-enum", "new", ptr(pn, "enum"), f"{what} became an enum")
        return
    if not isinstance(ne, list):
        check_id = walk.pick(value.dirs, "request-enum-removed", "response-enum-removed")
        walk.emit(
            "response-enum-removed" if check_id is None else check_id,
            "old",
            ptr(value.old_ptr, "enum"),
            f"{what} is no longer an enum",
        )
        return
    old_keys = {quote(v) for v in oe}
    new_keys = {quote(v) for v in ne}
    removed = [quote(v) for v in oe if quote(v) not in new_keys]
    added = [quote(v) for v in ne if quote(v) not in old_keys]
    if removed:
        walk.emit(
            "enum-value-removed",
            "new",
            ptr(pn, "enum"),
            f"{what}: enum members removed: {', '.join(removed)}",
        )
    if added:
        evolvable = "unknownFutureValue" in ne
        response = (
            "response-evolvable-enum-value-added" if evolvable else "response-enum-value-added"
        )
        check_id = walk.pick(value.dirs, "request-enum-value-added", response)
        walk.emit(
            check_id or response,
            "new",
            ptr(pn, "enum"),
            f"{what}: enum members added: {', '.join(added)}",
        )
