"""The README's reference tables are generated from the code, so they cannot drift, and what
it tells a newcomer (install, Node version, walkthrough, the quick start's code) is true.

Run with APIGEN_UPDATE_DOCS=1 to rewrite them after changing a registry.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_cli
from support.http_server import ScriptedServer, reply

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
    return re.compile(
        rf"(<!-- BEGIN {re.escape(name)}[^\n]*-->\n)(.*?)(<!-- END {re.escape(name)} -->)",
        re.DOTALL,
    )


@pytest.mark.parametrize("name", sorted(TABLES))
def test_readme_table_matches_the_code(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    match = _block(name).search(text)
    assert match is not None, f"README.md lacks the <!-- BEGIN {name} --> block"
    expected = TABLES[name]().rstrip("\n") + "\n"
    if os.environ.get("APIGEN_UPDATE_DOCS") == "1" and match.group(2) != expected:
        README.write_text(
            text[: match.start(2)] + expected + text[match.end(2) :], encoding="utf-8"
        )
        return
    assert match.group(2) == expected, (
        f"README table {name} is stale; run APIGEN_UPDATE_DOCS=1 pytest {__file__}"
    )


# -- what the README tells a newcomer is true ------------------------------------------


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _section(title: str) -> str:
    text = _readme()
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_the_readme_never_suggests_installing_the_unrelated_apigen_distribution() -> None:
    # `apigen` on the package index is another project; this one is `apigen-graph`.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "apigen-graph"
    assert "apigen = " in (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # the command
    text = _readme()
    assert "`apigen-graph`" in text
    unrelated = re.compile(r"pip3? install\s+(?:-[-\w]+\s+)*[\"']?apigen(?![-\w./])", re.IGNORECASE)
    assert unrelated.findall(text) == []


def test_the_readme_states_the_node_version_the_ci_checks() -> None:
    stated = re.search(r"Node\.js (\d+\.\d+) or newer", _readme())
    assert stated is not None
    script = (ROOT / ".ci" / "install-node-tools").read_text(encoding="utf-8")
    package = json.loads((ROOT / ".ci" / "node-tools" / "package.json").read_text("utf-8"))
    assert f"need >= {stated.group(1)}" in script
    assert package["engines"]["node"] == f">={stated.group(1)}"


def test_the_walkthroughs_lint_of_the_learning_pages_reports_findings_as_it_says() -> None:
    walkthrough = _section("Walkthrough")
    assert "apigen lint docs/learning" in walkthrough and "exits 1" in walkthrough
    result = run_cli("lint", "specs/pages/learning")
    assert result.returncode == 1, result.stderr
    assert re.search(r"^[1-9]\d* errors?, ", result.stdout, re.MULTILINE), result.stdout[-400:]


def test_init_names_the_overlay_beside_the_learning_pages_as_the_walkthrough_says(
    tmp_path: Path,
) -> None:
    assert "names it as the build's\n  `overlay`" in _section("Walkthrough")
    shutil.copytree(ROOT / "specs" / "pages" / "learning", tmp_path / "learning")
    assert run_cli("init", "learning", cwd=tmp_path).returncode == 0
    config = (tmp_path / "apigen.toml").read_text(encoding="utf-8")
    assert '\noverlay = "learning/overlay.yaml"\n' in config


def test_a_newcomer_has_a_working_sdk_within_the_first_60_lines(
    http_server: ScriptedServer,
) -> None:
    head = "\n".join(_readme().splitlines()[:60])
    for command in (
        ".venv/bin/pip install .",
        ".venv/bin/apigen build",
        "pip install generated/seed",
    ):
        assert command in head
    # Reference tables come after the guide (quick start and walkthrough).
    guide_end = _readme().index("\n## ", _readme().index("\n## Walkthrough") + 1)
    assert not re.search(r"^\|.*\|\s*$", _readme()[:guide_end], re.MULTILINE)
    # The quick start's Python, run as written against the committed seed SDK (only the
    # server moved to 127.0.0.1).
    snippet = re.search(r"```python\n(from seed_sdk .*?)```", head, re.DOTALL)
    assert snippet is not None
    code = snippet.group(1).replace("Client(token=", f"Client({http_server.url!r}, token=", 1)
    http_server.script(reply(200, json={"completedDateTime": "2026-01-02T03:04:05Z"}))
    sys.path.insert(0, str(ROOT / "generated" / "seed"))
    try:
        namespace: dict[str, Any] = {}
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    finally:
        sys.path.remove(str(ROOT / "generated" / "seed"))
    (request,) = http_server.requests
    assert request.method == "PATCH"
    assert request.headers["Authorization"] == "Bearer eyJ..."
    assert json.loads(request.body) == {
        "@odata.type": "#microsoft.graph.learningSelfInitiatedCourse",
        "status": "completed",
        "completionPercentage": 100,
    }
