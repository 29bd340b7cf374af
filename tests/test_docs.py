"""The README's reference tables are generated from the code, so they cannot drift.

Run with APIGEN_UPDATE_DOCS=1 to rewrite them after changing a registry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from helpers import ROOT

from generator import diff, lint
from generator.sdk.render import template_contract_markdown

README = ROOT / "README.md"

TABLES: dict[str, Callable[[], str]] = {
    "diff-checks": diff.checks_markdown_table,
    "lint-rules": lint.rules_markdown_table,
    "spectral-rules": lint.spectral_markdown_table,
    "template-contract": template_contract_markdown,
}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN {re.escape(name)}[^\n]*-->\n)(.*?)(<!-- END {re.escape(name)} -->)", re.S)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_readme_table_matches_the_code(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    match = _block(name).search(text)
    assert match is not None, f"README.md lacks the <!-- BEGIN {name} --> block"
    expected = TABLES[name]().rstrip("\n") + "\n"
    if os.environ.get("APIGEN_UPDATE_DOCS") == "1" and match.group(2) != expected:
        README.write_text(text[: match.start(2)] + expected + text[match.end(2) :], encoding="utf-8")
        return
    assert match.group(2) == expected, f"README table {name} is stale; run APIGEN_UPDATE_DOCS=1 pytest {__file__}"
