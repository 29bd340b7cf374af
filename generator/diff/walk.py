"""The state one diff carries while it walks both documents side by side: the documents, the
check registry, the directions that reach each component, and the changes found so far.

Every level module receives this `Walk` and reports through `emit`, so deduplication, levels
(read from the registry) and the choice between a request and a response verdict are decided
in one place rather than in each check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.diff.directions import REQUEST, RESPONSE, Directions, schema_directions
from generator.diff.model import LEVEL_RANK, Change, CheckInfo, Side, deref, one_line


class Walk:
    """Both documents, the registry, and the changes found; checks report through `emit`."""

    def __init__(
        self, old: Mapping[str, Any], new: Mapping[str, Any], checks: Mapping[str, CheckInfo]
    ) -> None:
        self.docs: dict[Side, Mapping[str, Any]] = {"old": old, "new": new}
        self.checks = checks
        self.changes: dict[tuple[str, str, str, str], Change] = {}
        self.usage: dict[Side, dict[str, set[str]]] = {
            "old": schema_directions(old, "old"),
            "new": schema_directions(new, "new"),
        }
        # Pairs of resolved schema pointers already compared: a component reached from many
        # places is compared once, under the label of the first place that reached it.
        self.seen_pairs: set[tuple[str, str]] = set()

    def emit(self, check_id: str, side: Side, pointer: str, message: str) -> None:
        """Record a change once: a place reached twice (a shared parameter, a base seen
        from two children) reports once per distinct message."""
        text = one_line(message)
        key = (side, pointer, check_id, text)
        if key not in self.changes:
            level = self.checks[check_id].level
            self.changes[key] = Change(check_id, level, pointer, text, side)

    def emit_at(self, check_id: str, po: str, pn: str, present_in_new: bool, msg: str) -> None:
        """Point into NEW when the thing still exists there, else into OLD."""
        if present_in_new:
            self.emit(check_id, "new", pn, msg)
        else:
            self.emit(check_id, "old", po, msg)

    def deref(self, side: Side, node: Any, pointer: str) -> tuple[Mapping[str, Any], str]:
        """``node`` of the ``side`` document with its ``$ref``s followed, and where it is."""
        return deref(self.docs[side], side, node, pointer)

    def severest(self, check_ids: Iterable[str]) -> str:
        """The check of the highest level among ``check_ids`` (the first one on a tie)."""
        return max(check_ids, key=lambda cid: LEVEL_RANK[self.checks[cid].level])

    def pick(self, dirs: Directions, request_id: str | None, response_id: str | None) -> str | None:
        """The most severe check that applies in the directions a value is used in."""
        candidates = []
        if REQUEST in dirs and request_id is not None:
            candidates.append(request_id)
        if RESPONSE in dirs and response_id is not None:
            candidates.append(response_id)
        if not candidates:
            return None
        return self.severest(candidates)
