"""`apigen lint`: rules over Graph reference pages and OpenAPI specs, with CI-friendly output.

The public surface is re-exported here: `lint_paths`, the `RULES` registry and its README
tables, settings from `[tool.apigen.lint]`, the renderers and `should_fail`.
"""

from __future__ import annotations

from generator.lint.core import (
    RULES,
    Finding,
    LintReport,
    LintSettings,
    RuleInfo,
    Severity,
    rules_markdown_table,
    settings_from_config,
    should_fail,
    spectral_markdown_table,
)
from generator.lint.render import render_github, render_json, render_sarif, render_text
from generator.lint.runner import lint_paths

__all__ = [
    "RULES",
    "Finding",
    "LintReport",
    "LintSettings",
    "RuleInfo",
    "Severity",
    "lint_paths",
    "render_github",
    "render_json",
    "render_sarif",
    "render_text",
    "rules_markdown_table",
    "settings_from_config",
    "should_fail",
    "spectral_markdown_table",
]
