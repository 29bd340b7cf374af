"""Generate a subset of a large spec: keep the operations a build asks for, and the schemas
they reach.

Paths are chosen with shell-style patterns (`/users/*`, `/me/**`: `*` stays within a
segment, `**` crosses segments) and operations by tag. Everything the kept operations
refer to stays, transitively. A schema used as a value (a body, a response, a property,
an item) also keeps the subtypes its discriminator maps, since the service may send any of
them; a schema reached only as a base class (`allOf`) does not, or Graph's `entity`, which
maps to every entity type, would keep the whole spec. Mappings are then cut down to the
subtypes that stay. What is dropped is dropped whole, so the subset is a valid spec.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.errors import InputError
from generator.spec.openapi import HTTP_METHODS

_REF_PREFIX = "#/components/"


@dataclass(frozen=True)
class Selection:
    include_paths: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()

    def is_everything(self) -> bool:
        return not (
            self.include_paths or self.exclude_paths or self.include_tags or self.exclude_tags
        )


EVERYTHING = Selection()


def _pattern(glob: str) -> re.Pattern[str]:
    parts = []
    index = 0
    while index < len(glob):
        if glob.startswith("**", index):
            parts.append(".*")
            index += 2
        elif glob[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(glob[index]))
            index += 1
    return re.compile("".join(parts) + r"\Z")


def _matches(path: str, globs: Sequence[str]) -> bool:
    return any(_pattern(glob).match(path) for glob in globs)


def _keep_operation(path: str, operation: Mapping[str, Any], selection: Selection) -> bool:
    if selection.include_paths and not _matches(path, selection.include_paths):
        return False
    if _matches(path, selection.exclude_paths):
        return False
    tags = {str(t) for t in operation.get("tags") or []}
    if selection.include_tags and not tags & set(selection.include_tags):
        return False
    return not tags & set(selection.exclude_tags)


def _refs(node: Any) -> Iterable[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
                yield ref
            mapping = current.get("mapping") if "propertyName" in current else None
            if isinstance(mapping, Mapping):
                yield from (
                    v for v in mapping.values() if isinstance(v, str) and v.startswith(_REF_PREFIX)
                )
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _split(ref: str) -> tuple[str, str]:
    section, _, name = ref[len(_REF_PREFIX) :].partition("/")
    return section, name.replace("~1", "/").replace("~0", "~")


def subset_spec(spec: Mapping[str, Any], selection: Selection) -> dict[str, Any]:
    """A copy of ``spec`` with only the selected operations and what they reach."""
    result = copy.deepcopy(dict(spec))
    if selection.is_everything():
        return result
    paths: dict[str, Any] = {}
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        kept = {
            key: value
            for key, value in item.items()
            if key not in HTTP_METHODS
            or (isinstance(value, Mapping) and _keep_operation(path, value, selection))
        }
        if any(method in kept for method in HTTP_METHODS):
            paths[path] = kept
    if not paths:
        raise InputError(f"the subset keeps no operation: {selection}")
    result["paths"] = copy.deepcopy(paths)
    components = spec.get("components") or {}
    reached: set[tuple[str, str]] = set()
    as_value: set[tuple[str, str]] = set()
    pending: list[tuple[str, bool]] = [(ref, True) for ref in _refs(paths)]
    while pending:
        ref, value_use = pending.pop()
        entry = _split(ref)
        if entry in as_value or (entry in reached and not value_use):
            continue
        reached.add(entry)
        target = (components.get(entry[0]) or {}).get(entry[1])
        if not isinstance(target, Mapping):
            continue
        if value_use:
            as_value.add(entry)
            mapping = (target.get("discriminator") or {}).get("mapping") or {}
            pending.extend(
                (r, True)
                for r in mapping.values()
                if isinstance(r, str) and r.startswith(_REF_PREFIX)
            )
        bases = [
            p.get("$ref")
            for p in target.get("allOf") or []
            if isinstance(p, Mapping) and "$ref" in p
        ]
        pending.extend(
            (r, False) for r in bases if isinstance(r, str) and r.startswith(_REF_PREFIX)
        )
        rest = {k: v for k, v in target.items() if k != "allOf"}
        rest["allOf"] = [
            p for p in target.get("allOf") or [] if not (isinstance(p, Mapping) and "$ref" in p)
        ]
        pending.extend((r, True) for r in _refs(rest))
    kept_components: dict[str, Any] = {}
    for section, entries in components.items():
        if section == "securitySchemes" or not isinstance(entries, Mapping):
            kept_components[section] = copy.deepcopy(entries)
            continue
        chosen = {
            name: copy.deepcopy(value)
            for name, value in entries.items()
            if (section, name) in reached
        }
        if chosen:
            kept_components[section] = chosen
    result["components"] = kept_components
    return result


def _prune_mapping(schema: Any, reached: set[tuple[str, str]]) -> None:
    """Drop discriminator mapping entries whose subtype is not in the subset."""
    if not isinstance(schema, dict):
        return
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
        discriminator["mapping"] = {
            value: ref
            for value, ref in discriminator["mapping"].items()
            if isinstance(ref, str) and ref.startswith(_REF_PREFIX) and _split(ref) in reached
        }
        if not discriminator["mapping"]:
            del discriminator["mapping"]
