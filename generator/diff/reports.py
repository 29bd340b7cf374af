"""What a `DiffReport` becomes for people and tools: text, JSON, a Markdown table for a pull
request, a changelog section, the CI verdict (`should_fail`), the next package version
(`next_version`), and the README's table of checks.

Spec text is untrusted: messages are kept to one line and escaped for Markdown, so a hostile
description cannot break out of a table cell or a changelog item.
"""

from __future__ import annotations

import json
import re

from generator.diff.model import LEVEL_RANK, SECTIONS, Bump, Change, DiffReport, FailOn, one_line
from generator.diff.registry import CHECKS
from generator.errors import InputError

_VERSION = re.compile(r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def next_version(current: str, bump: Bump) -> str:
    """The package version after ``bump``: ``X.Y.Z`` (a leading ``v`` and ``X.Y`` accepted).

    In 0.x the bump shifts down one place: major -> 0.(y+1).0, minor/patch -> 0.y.(z+1), the
    convention of Cargo and npm caret ranges, so ``~=0.y`` pins stay safe.
    Pre-release and build suffixes are refused: their successor is a release decision.
    """
    match = _VERSION.fullmatch(current.strip())
    if match is None:
        raise InputError(
            f"version {current!r} is not MAJOR.MINOR.PATCH (pre-releases are not bumped automatically)"
        )
    major, minor, patch = int(match[1]), int(match[2]), int(match[3] or 0)
    if bump == "none":
        return f"{major}.{minor}.{patch}"
    if bump not in ("major", "minor", "patch"):
        raise InputError(f"unknown bump {bump!r}: expected major, minor, patch or none")
    if major == 0:
        if bump == "major":
            return f"0.{minor + 1}.0"
        return f"0.{minor}.{patch + 1}"
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def should_fail(report: DiffReport, fail_on: FailOn) -> bool:
    """Whether CI should fail: on any breaking change, on any change at all, or never."""
    if fail_on == "breaking":
        return bool(report.breaking)
    if fail_on == "any":
        return bool(report.changes)
    if fail_on == "none":
        return False
    raise InputError(f"unknown --fail-on value {fail_on!r}: expected breaking, any or none")


def _summary_line(report: DiffReport) -> str:
    counts = report.counts
    total = len(report.changes)
    noun = "change" if total == 1 else "changes"
    return (
        f"{total} {noun} ({counts['breaking']} breaking, {counts['non-breaking']} non-breaking, "
        f"{counts['info']} info); bump: {report.bump}"
    )


def render_text(report: DiffReport) -> str:
    """One line per change (``level check-id: message [side pointer]``) and a summary line."""
    lines = [
        f"{c.level:<12} {c.check_id}: {c.message} [{c.side} {c.pointer}]" for c in report.changes
    ]
    lines.append(_summary_line(report) if report.changes else "No changes; bump: none")
    return "\n".join(lines) + "\n"


def render_json(report: DiffReport) -> str:
    """JSON with keys ``bump``, ``summary`` {breaking, non-breaking, info, total} and ``changes``,
    each {check_id, level, pointer, side, message}; keys sorted, indent 2, newline at the end.
    """
    payload = {
        "bump": report.bump,
        "summary": {**report.counts, "total": len(report.changes)},
        "changes": [
            {
                "check_id": c.check_id,
                "level": c.level,
                "pointer": c.pointer,
                "side": c.side,
                "message": c.message,
            }
            for c in report.changes
        ],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    """Markdown-escape untrusted text for a table cell or list item."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def _md_code(text: str) -> str:
    """A code span that survives backticks in ``text`` (and pipes in a table)."""
    text = one_line(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(report: DiffReport) -> str:
    """A summary line and a table of changes, for a pull-request comment or job summary."""
    if not report.changes:
        return "**API changes:** none (bump: none)\n"
    lines = [
        f"**API changes:** {_md(_summary_line(report))}",
        "",
        "| Level | Check | Change | Where |",
        "|---|---|---|---|",
    ]
    for c in report.changes:
        lines.append(
            f"| {c.level} | {_md_code(c.check_id)} | {_md(c.message)} | {_md_code(c.pointer)} ({c.side}) |"
        )
    return "\n".join(lines) + "\n"


def render_changelog(report: DiffReport, version: str) -> str:
    """A Markdown changelog section: ``## <version>``, breaking changes first, then by section."""
    lines = [f"## {one_line(version)}", ""]
    if not report.changes:
        return "\n".join(lines + ["No changes to the API.", ""])
    groups: list[tuple[str, list[Change]]] = [("Breaking changes", list(report.breaking))]
    for section in SECTIONS:
        groups.append(
            (
                section,
                [
                    c
                    for c in report.changes
                    if c.level != "breaking" and CHECKS[c.check_id].section == section
                ],
            )
        )
    for title, changes in groups:
        if not changes:
            continue
        lines.append(f"### {title}")
        lines.append("")
        lines.extend(f"- {_md(c.message)}" for c in changes)
        lines.append("")
    return "\n".join(lines)


def checks_markdown_table() -> str:
    """The registry as a Markdown table (breaking first), for the README."""
    rows = sorted(CHECKS.items(), key=lambda kv: (-LEVEL_RANK[kv[1].level], kv[0]))
    lines = ["| Check | Level | Meaning |", "|---|---|---|"]
    lines.extend(f"| `{cid}` | {info.level} | {_md(info.explanation)} |" for cid, info in rows)
    return "\n".join(lines) + "\n"
