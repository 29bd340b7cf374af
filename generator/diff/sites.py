"""The sites of the walk where checks hook in, and the pair of old and new values each hands
to its checks.

The walkers (`differ`, `operations`, `parameters`, `bodies`, `schemas`) match the two
documents level by level and report what was added to or removed from each collection; at
every matched pair they run the checks registered at that level's site, then go one level
down. A check is a function ``(walk, pair) -> None``, registered with
``@ON_<LEVEL>.register`` in the module that declares its check ids, so a new check never
edits a walker. Checks only report (they never walk further down), so the order they run in
does not change the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.diff.directions import Directions
from generator.diff.forms import Unwrapped
from generator.diff.walk import Walk


@dataclass(frozen=True)
class Pair:
    """The same thing in both documents: its values, where each is, and a label for messages."""

    old: Mapping[str, Any]
    new: Mapping[str, Any]
    old_ptr: str
    new_ptr: str
    what: str


@dataclass(frozen=True)
class PathPair(Pair):
    """A path item matched across a rename of its parameters (``what`` is the new path)."""

    old_path: str
    new_path: str


@dataclass(frozen=True)
class BodyPair(Pair):
    """A request body; ``operation`` labels the operation that takes it."""

    operation: str


@dataclass(frozen=True)
class SchemaPair(Pair):
    """A schema where it is used, before its ``$ref`` is followed.

    ``kind`` is schema (a component), property, body, parameter or items; the views see
    through the ref wrappers (`forms.unwrap`).
    """

    dirs: Directions
    kind: str
    old_view: Unwrapped
    new_view: Unwrapped


@dataclass(frozen=True)
class ValuePair(Pair):
    """The schemas a place resolves to, compared once per pair of resolved pointers."""

    dirs: Directions


@dataclass(frozen=True)
class PropertyPair(Pair):
    """A property on both sides: ``dirs`` are its object's, ``property_dirs`` its own (a
    read-only property never travels in a request, a write-only one never in a response)."""

    dirs: Directions
    property_dirs: Directions
    was_required: bool
    now_required: bool


P = TypeVar("P", bound=Pair)


class Site(Generic[P]):
    """A level of the walk where registered checks run on each matched pair."""

    def __init__(self) -> None:
        self._checks: list[Callable[[Walk, P], None]] = []

    def register(self, check: Callable[[Walk, P], None]) -> Callable[[Walk, P], None]:
        """Run ``check`` on every pair this site sees (usable as a decorator)."""
        self._checks.append(check)
        return check

    def run(self, walk: Walk, pair: P) -> None:
        for check in self._checks:
            check(walk, pair)


# One site per level, in walk order.
ON_DOCUMENT: Site[Pair] = Site()  # the documents as a whole (pointers "", what "the API")
ON_PATH: Site[PathPair] = Site()  # a path item, matched by its template
ON_OPERATION: Site[Pair] = Site()  # an operation (what: "GET /path")
ON_PARAMETER: Site[Pair] = Site()  # an effective parameter, matched by location and name
ON_REQUEST_BODY: Site[BodyPair] = Site()  # an operation's request body
ON_RESPONSE: Site[Pair] = Site()  # the response of one status code
ON_MEDIA_TYPE: Site[Pair] = Site()  # a media type of a request body or response
ON_SCHEMA: Site[SchemaPair] = Site()  # a schema where it is used, before its $ref is followed
ON_VALUE: Site[ValuePair] = Site()  # the schemas a place resolves to, once per pair
ON_PROPERTY: Site[PropertyPair] = Site()  # an object's property present on both sides
