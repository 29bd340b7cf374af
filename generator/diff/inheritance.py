"""Inheritance checks: a model's ``allOf`` base types and its ``@odata.type`` discriminator.

A base is an SDK superclass: losing or replacing it breaks ``isinstance`` checks and takes
the inherited fields away. The discriminator decides which subclass a payload becomes, so
renaming it or remapping a value breaks decoding; mapping a new value only adds a subclass.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.diff.forms import direct_bases
from generator.diff.model import (
    BREAKING,
    NON_BREAKING,
    CheckInfo,
    as_map,
    check,
    ptr,
    quote,
    ref_name,
)
from generator.diff.sites import ON_VALUE, ValuePair
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "base-added": check(NON_BREAKING, "Changed", "A model gained a base type (allOf $ref)."),
    "base-removed": check(
        BREAKING,
        "Changed",
        "A model lost a base type: isinstance checks and inherited fields go.",
    ),
    "base-changed": check(BREAKING, "Changed", "A model's base type was replaced."),
    "discriminator-changed": check(
        BREAKING, "Changed", "The discriminator property was added, removed or renamed."
    ),
    "discriminator-mapping-added": check(
        NON_BREAKING, "Added", "A discriminator value was mapped to a type."
    ),
    "discriminator-mapping-removed": check(
        BREAKING, "Removed", "A discriminator value no longer maps to a type."
    ),
    "discriminator-mapping-changed": check(
        BREAKING, "Changed", "A discriminator value maps to a different type."
    ),
}


@ON_VALUE.register
def discriminator(walk: Walk, value: ValuePair) -> None:
    o, n, po, pn, what = value.old, value.new, value.old_ptr, value.new_ptr, value.what
    od, nd = as_map(o.get("discriminator")), as_map(n.get("discriminator"))
    if od.get("propertyName") != nd.get("propertyName"):
        walk.emit_at(
            "discriminator-changed",
            ptr(po, "discriminator"),
            ptr(pn, "discriminator"),
            "discriminator" in n,
            f"{what}: discriminator changed from {quote(od.get('propertyName'))} to {quote(nd.get('propertyName'))}",
        )
    om, nm = as_map(od.get("mapping")), as_map(nd.get("mapping"))
    for mapped in sorted(set(om) | set(nm)):
        mo = ptr(po, "discriminator", "mapping", mapped)
        mn = ptr(pn, "discriminator", "mapping", mapped)
        if mapped not in nm:
            walk.emit(
                "discriminator-mapping-removed",
                "old",
                mo,
                f"{what}: discriminator value {quote(mapped)} no longer mapped",
            )
        elif mapped not in om:
            walk.emit(
                "discriminator-mapping-added",
                "new",
                mn,
                f"{what}: discriminator value {quote(mapped)} now maps to {quote(nm[mapped])}",
            )
        elif om[mapped] != nm[mapped]:
            walk.emit(
                "discriminator-mapping-changed",
                "new",
                mn,
                f"{what}: discriminator value {quote(mapped)} maps to {quote(nm[mapped])} instead of {quote(om[mapped])}",
            )


@ON_VALUE.register
def bases(walk: Walk, value: ValuePair) -> None:
    ob, nb = direct_bases(value.old), direct_bases(value.new)
    if set(ob) == set(nb):
        return
    gone = [r for r in ob if r not in nb]
    new = [r for r in nb if r not in ob]
    what = value.what
    if gone and new:
        names = ", ".join(quote(ref_name(r)) for r in gone)
        walk.emit(
            "base-changed",
            "new",
            ptr(value.new_ptr, "allOf"),
            f"{what}: base {names} replaced by {', '.join(quote(ref_name(r)) for r in new)}",
        )
    elif gone:
        walk.emit(
            "base-removed",
            "old",
            ptr(value.old_ptr, "allOf", str(ob[gone[0]])),
            f"{what}: base {', '.join(quote(ref_name(r)) for r in gone)} removed",
        )
    else:
        walk.emit(
            "base-added",
            "new",
            ptr(value.new_ptr, "allOf", str(nb[new[0]])),
            f"{what}: base {', '.join(quote(ref_name(r)) for r in new)} added",
        )
