"""The diff's shared vocabulary: levels, `CheckInfo`, `Change`, `DiffReport`, and the JSON
pointer, text and `$ref` helpers every level module uses.

It sits below everything else in the package so that the reports, and callers of
`diff_specs`, read a result without importing any check, and so that every level module
declares its checks with the same `CheckInfo`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from generator.errors import InputError

Level = Literal["breaking", "non-breaking", "info"]
Side = Literal["old", "new"]
Bump = Literal["major", "minor", "patch", "none"]
FailOn = Literal["breaking", "any", "none"]
Section = Literal["Added", "Changed", "Deprecated", "Removed", "Documentation"]

BREAKING: Level = "breaking"
NON_BREAKING: Level = "non-breaking"
INFO: Level = "info"
LEVEL_RANK: Mapping[str, int] = {"breaking": 2, "non-breaking": 1, "info": 0}
SECTIONS: tuple[Section, ...] = (
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Documentation",
)


class CheckInfo(NamedTuple):
    """One registry entry: the level a change gets, what it means, and its changelog section.

    Breaking changes are always listed first in a changelog, whatever their section.
    """

    level: Level
    explanation: str
    section: Section


def check(level: Level, section: Section, explanation: str) -> CheckInfo:
    """A registry entry, written level first so a module's declarations read as a table."""
    return CheckInfo(level, explanation, section)


@dataclass(frozen=True)
class Change:
    """One classified change; ``pointer`` is into the NEW spec, or the OLD one when ``side`` is old
    (removals), so a reviewer can always open the place it names."""

    check_id: str
    level: Level
    pointer: str
    message: str
    side: Side


@dataclass(frozen=True)
class DiffReport:
    """All changes (sorted by pointer, then check id) and the semver bump they imply."""

    changes: tuple[Change, ...]
    bump: Bump

    def _at(self, level: Level) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.level == level)

    @property
    def breaking(self) -> tuple[Change, ...]:
        return self._at("breaking")

    @property
    def non_breaking(self) -> tuple[Change, ...]:
        return self._at("non-breaking")

    @property
    def info(self) -> tuple[Change, ...]:
        return self._at("info")

    @property
    def counts(self) -> dict[str, int]:
        """Changes per level, every level present (0 when none)."""
        return {level: len(self._at(level)) for level in ("breaking", "non-breaking", "info")}


# ---------------------------------------------------------------------------- pointers and text


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def ptr(base: str, *tokens: str) -> str:
    """``base`` extended by ``tokens`` (RFC 6901 escaped)."""
    return base + "".join("/" + _escape(t) for t in tokens)


def one_line(text: str) -> str:
    return " ".join(text.split())


def quote(value: Any) -> str:
    """Quote a spec value for a message: JSON keeps hostile text on one line."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one: a malformed node compares as absent."""
    return value if isinstance(value, Mapping) else {}


def ref_name(ref: str) -> str:
    """The last token of a ``$ref``: the component's name, for messages."""
    return _unescape(ref.rsplit("/", 1)[-1])


# ---------------------------------------------------------------------------- $ref resolution


def resolve(doc: Mapping[str, Any], side: Side, ref: str, where: str) -> Any:
    """The value a local ``$ref`` names in ``doc`` (the ``side`` spec); else an InputError."""
    if not ref.startswith("#/"):
        raise InputError(
            f"{side} spec: only local $refs are supported, got {ref!r}",
            pointer=where,
        )
    value: Any = doc
    for raw in ref[2:].split("/"):
        token = _unescape(raw)
        if isinstance(value, Mapping) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise InputError(f"{side} spec: $ref {ref!r} does not resolve", pointer=where)
    return value


def deref(
    doc: Mapping[str, Any], side: Side, node: Any, pointer: str
) -> tuple[Mapping[str, Any], str]:
    """Follow a chain of local ``$ref``s from ``node`` (at ``pointer``) to a value and its pointer;
    cycle-safe, bad refs are an InputError."""
    seen: set[str] = set()
    current: Any = node
    where = pointer
    while isinstance(current, Mapping) and isinstance(current.get("$ref"), str):
        ref: str = current["$ref"]
        if ref in seen:
            raise InputError(f"$ref cycle through {ref!r}", pointer=where)
        seen.add(ref)
        current = resolve(doc, side, ref, where)
        where = ref[1:]
    return as_map(current), where
