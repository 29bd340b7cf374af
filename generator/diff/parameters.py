"""Parameters: an operation's effective parameters (its path item's, overridden by its own),
matched by location and name, and what changed on each.

A parameter is an argument of the SDK method: removing one breaks callers passing it, a new
required one breaks calls lacking it, and moving one (query to header) makes older SDKs send
it in the wrong place. A renamed path parameter was reported on the path; here it matches
under its new name. Parameter schemas are judged by request rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.diff import schemas
from generator.diff.directions import REQUEST
from generator.diff.document import compare_deprecated
from generator.diff.model import BREAKING, NON_BREAKING, CheckInfo, Side, check, ptr, quote
from generator.diff.sites import ON_PARAMETER, Pair, PathPair
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "parameter-removed": check(
        BREAKING,
        "Removed",
        "A parameter was removed: callers passing it get a TypeError.",
    ),
    "required-parameter-added": check(
        BREAKING, "Changed", "A new required parameter: existing calls lack an argument."
    ),
    "optional-parameter-added": check(NON_BREAKING, "Added", "A new optional parameter."),
    "parameter-location-changed": check(
        BREAKING,
        "Changed",
        "A parameter moved (e.g. query to header): older SDKs send it wrong.",
    ),
    "parameter-became-required": check(
        BREAKING, "Changed", "An optional parameter became required."
    ),
    "parameter-became-optional": check(
        NON_BREAKING, "Changed", "A required parameter became optional."
    ),
    "parameter-deprecated": check(NON_BREAKING, "Deprecated", "A parameter was deprecated."),
}

# Parameters keyed by (in, name), each with its pointer.
Parameters = dict[tuple[str, str], tuple[Mapping[str, Any], str]]


def compare_parameters(walk: Walk, item: PathPair, op: Pair, renames: Mapping[str, str]) -> None:
    """Match the parameters of ``op`` (in path item ``item``) and walk each matched pair."""
    old_raw = _effective(walk, "old", item.old, op.old, item.old_ptr, op.old_ptr)
    old_params = {
        ((loc, renames.get(name, name)) if loc == "path" else (loc, name)): value
        for (loc, name), value in old_raw.items()
    }
    new_params = _effective(walk, "new", item.new, op.new, item.new_ptr, op.new_ptr)
    label = op.what
    removed = sorted(set(old_params) - set(new_params))
    added = sorted(set(new_params) - set(old_params))
    for key in list(removed):
        moved = [a for a in added if a[1] == key[1]]
        if moved:
            target = moved[0]
            removed.remove(key)
            added.remove(target)
            walk.emit(
                "parameter-location-changed",
                "new",
                new_params[target][1],
                f"{label}: parameter {quote(key[1])} moved from {key[0]} to {target[0]}",
            )
    for key in removed:
        walk.emit(
            "parameter-removed",
            "old",
            old_params[key][1],
            f"{label}: {key[0]} parameter {quote(key[1])} removed",
        )
    for key in added:
        param, where = new_params[key]
        check_id = (
            "required-parameter-added" if param.get("required") else "optional-parameter-added"
        )
        kind = "required" if param.get("required") else "optional"
        walk.emit(
            check_id,
            "new",
            where,
            f"{label}: new {kind} {key[0]} parameter {quote(key[1])}",
        )
    for key in sorted(set(old_params) & set(new_params)):
        (op_, opp), (np_, npp) = old_params[key], new_params[key]
        what = f"{label} {key[0]} parameter {quote(key[1])}"
        ON_PARAMETER.run(walk, Pair(op_, np_, opp, npp, what))
        if isinstance(op_.get("schema"), Mapping) and isinstance(np_.get("schema"), Mapping):
            schemas.compare_schema(
                walk,
                op_["schema"],
                np_["schema"],
                ptr(opp, "schema"),
                ptr(npp, "schema"),
                frozenset({REQUEST}),
                "parameter",
                what,
            )


def _effective(
    walk: Walk,
    side: Side,
    item: Mapping[str, Any],
    op: Mapping[str, Any],
    item_p: str,
    op_p: str,
) -> Parameters:
    """Effective parameters keyed by (in, name): path-level ones overridden by the operation's."""
    result: Parameters = {}
    for owner, owner_p in ((item, item_p), (op, op_p)):
        params = owner.get("parameters")
        if not isinstance(params, list):
            continue
        for i, raw in enumerate(params):
            param, where = walk.deref(side, raw, ptr(owner_p, "parameters", str(i)))
            key = (str(param.get("in", "")), str(param.get("name", "")))
            result[key] = (param, where)
    return result


@ON_PARAMETER.register
def parameter_required(walk: Walk, param: Pair) -> None:
    was, now = bool(param.old.get("required")), bool(param.new.get("required"))
    if now and not was:
        walk.emit(
            "parameter-became-required",
            "new",
            ptr(param.new_ptr, "required"),
            f"{param.what} became required",
        )
    elif was and not now:
        walk.emit(
            "parameter-became-optional", "new", param.new_ptr, f"{param.what} became optional"
        )


@ON_PARAMETER.register
def parameter_deprecated(walk: Walk, param: Pair) -> None:
    compare_deprecated(walk, param, "parameter-deprecated")
