"""`apigen diff`: the changes between two OpenAPI 3.0.x specs as SDK users feel them, and the
version bump they call for (`versioning` applies it to a generated package).

Every change gets a check id from `CHECKS` (the one registry of what we detect), a level
(breaking / non-breaking / info), a JSON pointer and a one-line message. The levels are judged
from the point of view of code written against the *generated Python SDK*: a vanished model
field, a renamed method (operationId) or a renamed path parameter (a keyword argument) breaks
callers even where the wire format would not.

The package follows OpenAPI's levels, one module each: `document` (info, servers, texts),
`security`, `operations` (paths and operations), `parameters`, `bodies` (request bodies and
responses), `schemas` (components and the walk through schemas and properties), `values`
(types, formats, nullability, bounds, patterns, defaults), `enums`, `inheritance` (bases and
discriminators) and `properties`. Beside them: `model` (`Change`, `DiffReport`, `CheckInfo`,
pointer helpers), `walk` (the state of one diff), `sites` (where checks hook in),
`directions` (request or response), `forms` (ref wrappers), `registry` (`CHECKS`),
`differ` (`diff_specs`) and `reports` (the renderers, `should_fail`, `next_version`).

To add a check, declare its id in the ``CHECKS`` of the module for its level and write one
function ``(walk, pair) -> None`` there, registered with ``@ON_<LEVEL>.register`` (`sites`),
that calls ``walk.emit`` with that id; no walker changes, and the README's table follows.
"""

from generator.diff.differ import diff_specs
from generator.diff.model import Change, CheckInfo, DiffReport
from generator.diff.registry import CHECKS
from generator.diff.reports import (
    checks_markdown_table,
    next_version,
    render_changelog,
    render_json,
    render_markdown,
    render_text,
    should_fail,
)

__all__ = [
    "CHECKS",
    "Change",
    "CheckInfo",
    "DiffReport",
    "checks_markdown_table",
    "diff_specs",
    "next_version",
    "render_changelog",
    "render_json",
    "render_markdown",
    "render_text",
    "should_fail",
]
