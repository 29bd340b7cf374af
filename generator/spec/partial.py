"""Partial views of entity schemas: what an update (PATCH) body built from pages is.

An update sends only the properties that change, so its body cannot carry the entity's
`required`. The view is an inline object with every property of the entity schema and its
bases (copied, so each is checked as the entity has it), no `required`, and `PARTIAL_OF`
naming the entity schema. The page builder writes it (`generator.pages.operations`), the
SDK types it as the entity's own model (`generator.sdk.load_schemas`), and `apigen diff`
compares it with the entity flattened the same way (`generator.diff.bodies`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec.openapi import PARTIAL_OF, SCHEMA_PREFIX


def flattened(ref: str, components: Mapping[str, Any]) -> dict[str, Any]:
    """The schema ``ref`` names as one object: its properties with its bases' (bases
    first), the union of their `required`, and `additionalProperties: true` when one is open."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    out: dict[str, Any] = {"type": "object"}
    seen: set[str] = set()

    def add(schema: Any) -> None:
        if not isinstance(schema, Mapping):
            return
        target = schema.get("$ref")
        if isinstance(target, str) and target.startswith(SCHEMA_PREFIX):
            if target not in seen:
                seen.add(target)
                add(components.get(target[len(SCHEMA_PREFIX) :]))
            return
        parts = schema.get("allOf")
        for part in parts if isinstance(parts, list) else []:
            add(part)
        if isinstance(schema.get("properties"), Mapping):
            properties.update(schema["properties"])
        names = schema.get("required")
        if isinstance(names, list):
            required.extend(n for n in names if n not in required)
        if schema.get("additionalProperties") is True:
            out["additionalProperties"] = True

    add({"$ref": ref})
    out["properties"] = properties
    if required:
        out["required"] = required
    return out


def partial_view(ref: str, components: Mapping[str, Any]) -> dict[str, Any] | None:
    """The partial view of the entity schema ``ref`` names, or None when it requires nothing
    (the schema is partial already) or names no component."""
    name = ref[len(SCHEMA_PREFIX) :] if ref.startswith(SCHEMA_PREFIX) else ""
    if name not in components:
        return None
    flat = flattened(ref, components)
    if not flat.get("required"):
        return None
    view: dict[str, Any] = {
        "type": "object",
        "description": f"The properties of {name} to change; any subset of them",
        "properties": flat["properties"],
    }
    if flat.get("additionalProperties") is True:
        view["additionalProperties"] = True
    view[PARTIAL_OF] = ref
    return view
