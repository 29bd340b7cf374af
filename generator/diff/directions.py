"""Directions: whether a value travels in requests, responses or both, and which directions
reach each component schema of a document.

The levels are judged from the side of code written against the generated SDK: narrowing what
the SDK may send breaks callers (request rules), widening what the server may return or making
it nullable breaks them too (response rules). A component's directions come from every place
that reaches it (properties, items, ``allOf`` bases, and types deriving from a used base, as
with Graph's ``@odata.type`` polymorphism). A schema used both ways reports the most severe
verdict; an unused schema is still an SDK model, so it is judged both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.diff.forms import direct_bases
from generator.diff.model import Side, as_map, deref, ptr, resolve
from generator.spec.openapi import HTTP_METHODS, SCHEMA_PREFIX

REQUEST = "request"
RESPONSE = "response"
BOTH: frozenset[str] = frozenset({REQUEST, RESPONSE})
# The directions a value is used in: a subset of BOTH.
Directions = frozenset[str]


def schema_directions(doc: Mapping[str, Any], side: Side) -> dict[str, set[str]]:
    """For each component schema ``$ref``, the directions (request/response) that reach it.

    Reaching a schema reaches its properties' types and its bases; reaching a schema from a
    use site (not as a base) also reaches the types deriving from it, which the server may
    send or accept in its place.
    """
    schemas = as_map(as_map(doc.get("components")).get("schemas"))
    children: dict[str, list[str]] = {}
    for name in sorted(schemas):
        for ref in direct_bases(as_map(schemas[name])):
            children.setdefault(ref, []).append(ptr("#/components/schemas", name))
    usage: dict[str, set[str]] = {}
    for direction, nodes in _seeds(doc, side).items():
        down: set[str] = set()
        up_only: set[str] = set()
        queue: list[tuple[str, bool]] = []
        for node in nodes:
            queue.extend((ref, True) for ref in _refs_in(node, top=False))
        while queue:
            ref, allow_down = queue.pop()
            if not ref.startswith(SCHEMA_PREFIX):
                continue
            if ref in down or (not allow_down and ref in up_only):
                continue
            (down if allow_down else up_only).add(ref)
            usage.setdefault(ref, set()).add(direction)
            target = resolve(doc, side, ref, ref[1:])
            for inner in _refs_in(target, top=True):
                queue.append((inner, True))
            for base in direct_bases(as_map(target)):
                queue.append((base, False))
            if allow_down:
                queue.extend((child, True) for child in children.get(ref, []))
    return usage


def _seeds(doc: Mapping[str, Any], side: Side) -> dict[str, list[Any]]:
    """The use sites of schemas: parameters and request bodies (requests), responses."""
    seeds: dict[str, list[Any]] = {REQUEST: [], RESPONSE: []}
    for path, raw_item in sorted(as_map(doc.get("paths")).items()):
        item, item_p = deref(doc, side, raw_item, ptr("", "paths", path))
        ops = [(as_map(item[m]), ptr(item_p, m)) for m in HTTP_METHODS if m in item]
        for owner, owner_p in [(item, item_p)] + ops:
            params = owner.get("parameters")
            for i, raw in enumerate(params if isinstance(params, list) else []):
                seeds[REQUEST].append(deref(doc, side, raw, ptr(owner_p, "parameters", str(i)))[0])
        for op, op_p in ops:
            if "requestBody" in op:
                seeds[REQUEST].append(
                    deref(doc, side, op["requestBody"], ptr(op_p, "requestBody"))[0]
                )
            for status, raw in sorted(
                as_map(op.get("responses")).items(), key=lambda kv: str(kv[0])
            ):
                seeds[RESPONSE].append(
                    deref(doc, side, raw, ptr(op_p, "responses", str(status)))[0]
                )
    return seeds


def _refs_in(node: Any, top: bool) -> list[str]:
    """Every schema ``$ref`` inside ``node`` (and discriminator mapping targets); with ``top``,
    the node's own ``allOf`` base refs are left out (the caller walks bases separately).
    """
    found: list[str] = []

    def walk(value: Any, is_top: bool) -> None:
        if isinstance(value, Mapping):
            ref = value.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            for key, child in value.items():
                if key == "allOf" and is_top and isinstance(child, list):
                    for part in child:
                        if not (isinstance(part, Mapping) and "$ref" in part):
                            walk(part, False)
                elif key == "discriminator" and isinstance(child, Mapping):
                    found.extend(str(v) for v in as_map(child.get("mapping")).values())
                elif key not in ("example", "examples", "default", "enum"):
                    walk(child, False)
        elif isinstance(value, list):
            for child in value:
                walk(child, False)

    walk(node, top)
    return found
