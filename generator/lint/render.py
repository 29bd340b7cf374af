"""Lint report renderers: text (for people), JSON, SARIF 2.1.0 (code scanning), GitHub annotations.

All output is deterministic: findings are already sorted, paths are printed as the user gave
them, and nothing carries a timestamp or an absolute path the user did not give.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from generator import __version__
from generator.errors import printable
from generator.lint.core import RULES, SEVERITIES, LintReport, Severity

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _RESET = "\033[2m", "\033[0m"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 or word == "info" else "s")


def summary(report: LintReport) -> str:
    """One line: counts per severity and how many files were linted or skipped."""
    counts = ", ".join(_plural(report.count(s), s) for s in SEVERITIES)
    skipped = f" ({len(report.skipped)} skipped: not a page or spec)" if report.skipped else ""
    return f"{counts} in {_plural(len(report.files), 'file')}{skipped}"


def render_text(report: LintReport, color: bool) -> str:
    """``file:line:col severity rule message`` per finding, its hint indented below, then a summary."""
    out: list[str] = []
    for f in report.findings:
        where = f"{printable(f.file)}:{f.line}:{f.column}"
        severity = f"{_COLORS[f.severity]}{f.severity}{_RESET}" if color else f.severity
        rule = f"{_DIM}{f.rule_id}{_RESET}" if color else f.rule_id
        pointer = f" [{printable(f.pointer)}]" if f.pointer else ""
        out.append(f"{where} {severity} {rule} {printable(f.message)}{pointer}")
        out.append(f"    hint: {f.hint}")
    out.append(summary(report))
    return "\n".join(out) + "\n"


def render_json(report: LintReport) -> str:
    """A JSON document: the findings (every field) and counts."""
    doc: dict[str, Any] = {
        "tool": "apigen lint",
        "version": __version__,
        "files": list(report.files),
        "skipped": list(report.skipped),
        "summary": {s: report.count(s) for s in SEVERITIES},
        "findings": [
            {
                "rule": f.rule_id,
                "severity": f.severity,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "pointer": f.pointer,
                "message": f.message,
                "hint": f.hint,
            }
            for f in report.findings
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _artifact(path: str) -> dict[str, str]:
    """A SARIF artifact location: relative paths stay relative to %SRCROOT%, with / separators."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": "file://" + quote(pure.as_posix())}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def render_sarif(report: LintReport) -> str:
    """A SARIF 2.1.0 log with one run; GitHub code scanning accepts it as uploaded."""
    ids = list(RULES)
    rules = [
        {
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": info.description},
            "help": {"text": info.hint},
            "defaultConfiguration": {"level": _SARIF_LEVEL[info.severity]},
            "properties": {"tags": [info.target]},
        }
        for rule_id, info in RULES.items()
    ]
    results = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": ids.index(f.rule_id),
            "level": _SARIF_LEVEL[f.severity],
            "message": {
                "text": (
                    f"{f.message}. {f.hint}"
                    if not f.message.endswith(".")
                    else f"{f.message} {f.hint}"
                )
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.file),
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        if f.pointer:
            result["locations"][0]["logicalLocations"] = [
                {"fullyQualifiedName": f.pointer, "kind": "member"}
            ]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "apigen",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def escape_data(text: str) -> str:
    """Escape a workflow command's message: %, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: LintReport) -> str:
    """GitHub Actions workflow commands (``::error file=...::message``), one per finding."""
    out: list[str] = []
    for f in report.findings:
        level: Severity = f.severity
        props = ",".join(
            [
                f"file={escape_property(printable(f.file))}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={escape_property(f.rule_id)}",
            ]
        )
        message = f"{printable(f.message)}\n{f.hint}"
        out.append(f"::{_GITHUB_LEVEL[level]} {props}::{escape_data(message)}")
    return "\n".join(out) + ("\n" if out else "")
