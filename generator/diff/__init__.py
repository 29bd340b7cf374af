"""`apigen diff`: the changes between two OpenAPI specs as SDK users feel them, and the
version bump they call for (`versioning` applies it to a generated package)."""

from generator.diff.differ import (
    CHECKS,
    Change,
    CheckInfo,
    DiffReport,
    checks_markdown_table,
    diff_specs,
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
