"""`diff_specs`, the entry point: walk two OpenAPI 3.0.x documents side by side and classify
every change, with the semver bump the changes call for.

The walk starts here: the checks on the documents as a whole (info, servers, security), then
the paths (`operations`, down to parameters, bodies and their schemas), then the component
schemas (`schemas`). Changes are sorted by pointer so the output is stable for review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.diff.model import Bump, Change, DiffReport
from generator.diff.operations import compare_paths
from generator.diff.registry import CHECKS
from generator.diff.schemas import compare_components
from generator.diff.sites import ON_DOCUMENT, Pair
from generator.diff.walk import Walk


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> DiffReport:
    """Classify every change from ``old`` to ``new`` (validated OpenAPI 3.0.x documents)."""
    walk = Walk(old, new, CHECKS)
    ON_DOCUMENT.run(walk, Pair(old, new, "", "", "the API"))
    compare_paths(walk)
    compare_components(walk)
    changes = tuple(
        sorted(
            walk.changes.values(),
            key=lambda c: (c.pointer, c.check_id, c.side, c.message),
        )
    )
    return DiffReport(changes, bump_for(changes))


def bump_for(changes: Iterable[Change]) -> Bump:
    """Any breaking change -> major, else any non-breaking change -> minor (additions,
    widenings, deprecations), else any info change (docs, examples, version) -> patch."""
    levels = {c.level for c in changes}
    if "breaking" in levels:
        return "major"
    if "non-breaking" in levels:
        return "minor"
    if "info" in levels:
        return "patch"
    return "none"
