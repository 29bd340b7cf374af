"""Paths and operations: which paths and methods came or went, and what changed on an
operation itself (its ``operationId``, its deprecation), before its parameters, request body
and responses are walked.

Paths are matched by their template with parameter names blanked, so renaming a path
parameter is one change (the SDK method's keyword argument), not a removed and an added path.
The ``operationId`` names the SDK method, so setting, changing or dropping it is breaking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.diff import bodies, parameters
from generator.diff.document import compare_deprecated
from generator.diff.model import BREAKING, NON_BREAKING, CheckInfo, as_map, check, ptr, quote
from generator.diff.sites import ON_OPERATION, ON_PATH, Pair, PathPair
from generator.diff.walk import Walk
from generator.spec.openapi import HTTP_METHODS

CHECKS: Mapping[str, CheckInfo] = {
    "path-added": check(NON_BREAKING, "Added", "A new path: new client methods."),
    "path-removed": check(BREAKING, "Removed", "A path was removed: its client methods vanish."),
    "path-parameter-renamed": check(
        BREAKING,
        "Changed",
        "A path parameter was renamed: the method's keyword argument changes.",
    ),
    "operation-added": check(NON_BREAKING, "Added", "A new operation: a new client method."),
    "operation-removed": check(
        BREAKING, "Removed", "An operation was removed: its method vanishes."
    ),
    "operation-id-changed": check(
        BREAKING, "Changed", "The operationId changed: the SDK method is renamed."
    ),
    "operation-id-removed": check(
        BREAKING,
        "Changed",
        "The operationId was dropped: the SDK method name is derived anew.",
    ),
    "operation-id-added": check(
        BREAKING, "Changed", "An operationId was set: the SDK method is renamed after it."
    ),
    "operation-deprecated": check(NON_BREAKING, "Deprecated", "An operation was deprecated."),
}


# ---------------------------------------------------------------------------- the walk


def compare_paths(walk: Walk) -> None:
    """Paths added or removed, and each matched path's operations walked."""
    o = as_map(walk.docs["old"].get("paths"))
    n = as_map(walk.docs["new"].get("paths"))
    old_keys = _path_keys(o)
    new_keys = _path_keys(n)
    for key in sorted(set(old_keys) | set(new_keys)):
        if key not in new_keys:
            path = old_keys[key]
            walk.emit(
                "path-removed",
                "old",
                ptr("", "paths", path),
                f"path {path} removed",
            )
        elif key not in old_keys:
            path = new_keys[key]
            walk.emit("path-added", "new", ptr("", "paths", path), f"path {path} added")
        else:
            _compare_path(walk, old_keys[key], new_keys[key], o[old_keys[key]], n[new_keys[key]])


def _compare_path(walk: Walk, old_path: str, new_path: str, o_item: Any, n_item: Any) -> None:
    """Operations added or removed; each matched one checked, then its parts walked."""
    po, pn = ptr("", "paths", old_path), ptr("", "paths", new_path)
    oi, po = walk.deref("old", o_item, po)
    ni, pn = walk.deref("new", n_item, pn)
    item = PathPair(oi, ni, po, pn, new_path, old_path, new_path)
    ON_PATH.run(walk, item)
    renames = dict(_renamed_parameters(old_path, new_path))
    for method in HTTP_METHODS:
        label = f"{method.upper()} {new_path}"
        if method in oi and method not in ni:
            walk.emit(
                "operation-removed",
                "old",
                ptr(po, method),
                f"{method.upper()} {old_path} removed",
            )
        elif method in ni and method not in oi:
            walk.emit("operation-added", "new", ptr(pn, method), f"{label} added")
        elif method in oi and method in ni:
            op = Pair(
                as_map(oi[method]), as_map(ni[method]), ptr(po, method), ptr(pn, method), label
            )
            ON_OPERATION.run(walk, op)
            parameters.compare_parameters(walk, item, op, renames)
            bodies.compare_request_body(walk, op)
            bodies.compare_responses(walk, op)


# ---------------------------------------------------------------------------- checks


@ON_PATH.register
def path_parameters_renamed(walk: Walk, item: PathPair) -> None:
    for old_name, new_name in _renamed_parameters(item.old_path, item.new_path):
        walk.emit(
            "path-parameter-renamed",
            "new",
            item.new_ptr,
            f"path parameter {quote(old_name)} renamed to {quote(new_name)} in {item.new_path}",
        )


@ON_OPERATION.register
def operation_id(walk: Walk, op: Pair) -> None:
    oid, nid = op.old.get("operationId"), op.new.get("operationId")
    if oid == nid:
        return
    if oid is None:
        walk.emit(
            "operation-id-added",
            "new",
            ptr(op.new_ptr, "operationId"),
            f"{op.what}: operationId {quote(nid)} set",
        )
    elif nid is None:
        walk.emit(
            "operation-id-removed",
            "old",
            ptr(op.old_ptr, "operationId"),
            f"{op.what}: operationId {quote(oid)} removed",
        )
    else:
        walk.emit(
            "operation-id-changed",
            "new",
            ptr(op.new_ptr, "operationId"),
            f"{op.what}: operationId changed from {quote(oid)} to {quote(nid)}",
        )


@ON_OPERATION.register
def operation_deprecated(walk: Walk, op: Pair) -> None:
    compare_deprecated(walk, op, "operation-deprecated")


# ---------------------------------------------------------------------------- helpers


def _renamed_parameters(old_path: str, new_path: str) -> list[tuple[str, str]]:
    """(old name, new name) of each path parameter whose name differs, in path order."""
    pairs = zip(_path_params(old_path), _path_params(new_path))
    return [(old, new) for old, new in pairs if old != new]


def _path_params(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


def _path_keys(paths: Mapping[str, Any]) -> dict[str, str]:
    """Paths keyed by their template with parameter names blanked, so renames still match."""
    result: dict[str, str] = {}
    for path in sorted(paths):
        key = re.sub(r"\{[^}]*\}", "{}", path)
        result[key if key not in result else path] = path
    return result
