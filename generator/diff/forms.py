"""How a schema is spelled in Graph-style specs: seen through its ``$ref`` wrappers, and its
``allOf`` bases.

Graph specs wrap a reference to make it nullable (``anyOf: [$ref, {nullable: true}]``) or to
attach a description (``allOf: [$ref]``). The differ compares what such a wrapper means (this
type, maybe null) rather than how it is written, so a change of spelling alone reports nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unwrapped:
    """A schema seen through the ref wrappers Graph specs use (``anyOf`` nullable form etc.)."""

    ref: str | None
    nullable: bool
    schema: Mapping[str, Any]
    pointer: str


def unwrap(schema: Mapping[str, Any], pointer: str, component: bool) -> Unwrapped:
    """See through ``$ref``, ``anyOf/oneOf: [$ref, {nullable}]`` and ``allOf: [$ref]``.

    A component's own ``allOf: [$ref]`` is a subclass with no fields of its own, not a wrapper,
    so ``component`` keeps it as it is.
    """
    if isinstance(schema.get("$ref"), str):
        return Unwrapped(schema["$ref"], False, schema, pointer)
    for key in ("anyOf", "oneOf"):
        parts = schema.get(key)
        if isinstance(parts, list) and len(parts) >= 2:
            refs = [p for p in parts if isinstance(p, Mapping) and isinstance(p.get("$ref"), str)]
            nulls = [p for p in parts if isinstance(p, Mapping) and is_null_only(p)]
            if len(refs) == 1 and len(refs) + len(nulls) == len(parts):
                return Unwrapped(refs[0]["$ref"], True, schema, pointer)
    parts = schema.get("allOf")
    if (
        not component
        and isinstance(parts, list)
        and len(parts) == 1
        and isinstance(parts[0], Mapping)
        and isinstance(parts[0].get("$ref"), str)
        and "properties" not in schema
    ):
        return Unwrapped(parts[0]["$ref"], bool(schema.get("nullable")), schema, pointer)
    return Unwrapped(None, bool(schema.get("nullable")), schema, pointer)


def is_null_only(schema: Mapping[str, Any]) -> bool:
    """``{nullable: true}`` (optionally with a type and nothing else): the null arm of a union."""
    return schema.get("nullable") is True and set(schema) <= {
        "nullable",
        "type",
        "description",
    }


def direct_bases(schema: Mapping[str, Any]) -> dict[str, int]:
    """``$ref``s listed directly in ``allOf``, with their index."""
    parts = schema.get("allOf")
    result: dict[str, int] = {}
    for i, part in enumerate(parts if isinstance(parts, list) else []):
        if isinstance(part, Mapping) and isinstance(part.get("$ref"), str):
            result.setdefault(part["$ref"], i)
    return result
