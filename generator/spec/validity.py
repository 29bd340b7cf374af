"""The validity digest: a hash of a spec that leaves out what no validity rule reads, so
that openapi-spec-validator's verdict is cached across documentation edits."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

# Keys whose values are instance data (kept whole, whatever keys they hold) and keys whose
# string values are prose no validity rule reads.
_INSTANCE_DATA = frozenset({"default", "example", "examples", "enum", "const"})
_PROSE = frozenset({"description", "summary"})


def validity_digest(data: Any, *, prose: bool = True) -> str:
    """A hash of the spec with every `description` and `summary` string left out: two
    specs with the same digest get the same verdict from openapi-spec-validator.

    Why that holds: where OpenAPI has a description or summary field, any string is valid
    and no check reads it; where a key of that name is a property name or instance data,
    its value is not a string (a schema) or is hashed whole (`default`, `example`, `enum`,
    `x-` extensions). So a rebuild after a documentation edit reuses the cached verdict
    instead of validating the whole spec again.

    ``prose=False`` hashes everything: the value is instance data (`prose_below`).
    """
    digest = hashlib.sha256()
    _feed(digest.update, data, prose=prose)
    return digest.hexdigest()


def prose_below(name: object) -> bool:
    """Whether prose is still left out of `validity_digest` below the key ``name`` of a
    mapping where it is left out: not below instance data, nor an `x-` extension."""
    return not (isinstance(name, str) and (name in _INSTANCE_DATA or name.startswith("x-")))


def _feed(update: Callable[[bytes], None], value: Any, *, prose: bool) -> None:
    # Fed as the spec is walked, so no copy of it is made. dict and list, not Mapping and
    # Sequence: the parsers make only those, and exact type checks are much faster.
    if isinstance(value, dict):
        update(b"{")
        for name, item in value.items():
            update(repr(name).encode("utf-8", "surrogatepass") + b":")
            if not prose or not prose_below(name):
                _feed(update, item, prose=False)
            elif name in _PROSE and isinstance(item, str):
                update(b"<prose>")
            else:
                _feed(update, item, prose=True)
            update(b",")
        update(b"}")
    elif isinstance(value, list):
        update(b"[")
        for item in value:
            _feed(update, item, prose=prose)
            update(b",")
        update(b"]")
    else:
        update(repr(value).encode("utf-8", "surrogatepass"))
