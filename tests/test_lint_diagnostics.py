"""Nothing silent, findings a reviewer can act on: what building a page could not say is a
lint finding and a warning from `apigen spec`/`apigen build` (`--strict` fails on it), lint
and spec agree on what a page is, and spec findings are one per fault at their own line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, run_cli

from generator.errors import InputError
from generator.lint import LintSettings, lint_paths, render_github, render_sarif
from generator.lint.core import Finding

GOOD_PAGE = (ROOT / "tests" / "data" / "lint" / "widget-update.md").read_text(encoding="utf-8")
# The size row's type cell says something apigen cannot read as a type.
UNREADABLE_TYPE = GOOD_PAGE.replace("|size|Int32|", "|size|Int32 or a size name|", 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _lint(path: Path) -> tuple[Finding, ...]:
    return lint_paths([path], LintSettings()).findings


def test_a_type_apigen_cannot_read_is_a_located_finding(tmp_path: Path) -> None:
    page = tmp_path / "widget-update.md"
    page.write_text(UNREADABLE_TYPE, encoding="utf-8")
    found = [f for f in _lint(page) if f.rule_id == "page-unread"]
    assert [(f.line, f.severity) for f in found] == [(_line_of(UNREADABLE_TYPE, "|size|"), "info")]
    assert "Int32 or a size name" in found[0].message


def test_spec_warns_on_stderr_and_quiet_hides_it(tmp_path: Path) -> None:
    page = tmp_path / "widget-update.md"
    page.write_text(UNREADABLE_TYPE, encoding="utf-8")
    out = tmp_path / "spec.yaml"
    result = run_cli("spec", str(page), "-o", str(out))
    assert result.returncode == 0, result.stderr
    line = _line_of(UNREADABLE_TYPE, "|size|")
    assert f"apigen: warning: {page}:{line}: type 'Int32 or a size name' not understood" in result.stderr
    assert out.is_file()
    quiet = run_cli("spec", str(page), "-o", str(out), "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_strict_fails_before_anything_is_written(tmp_path: Path) -> None:
    page = tmp_path / "widget-update.md"
    page.write_text(UNREADABLE_TYPE, encoding="utf-8")
    out = tmp_path / "spec.yaml"
    result = run_cli("spec", str(page), "-o", str(out), "--strict")
    assert result.returncode == 1
    assert "apigen: 1 warning and --strict: nothing written" in result.stderr
    assert not out.exists()
    # A page with nothing to warn about passes --strict.
    page.write_text(GOOD_PAGE, encoding="utf-8")
    assert run_cli("spec", str(page), "-o", str(out), "--strict").returncode == 0
    assert out.is_file()


def test_strict_in_config_fails_build_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "widget-update.md").write_text(UNREADABLE_TYPE, encoding="utf-8")
    (tmp_path / "apigen.toml").write_text(
        'strict = true\n[[build]]\nname = "w"\npages = ["pages"]\nspec = "w.yaml"\n'
        'output = "sdk"\npackage = "w_sdk"\n',
        encoding="utf-8",
    )
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "widget-update.md" in result.stderr and "--strict: nothing written" in result.stderr
    assert not (tmp_path / "w.yaml").exists() and not (tmp_path / "sdk").exists()
    (tmp_path / "apigen.toml").write_text(
        (tmp_path / "apigen.toml").read_text(encoding="utf-8").replace("strict = true", "strict = 1"),
        encoding="utf-8",
    )
    bad = run_cli("build", cwd=tmp_path)
    assert bad.returncode == 2 and "tool.apigen.strict" in bad.stderr


def test_a_page_without_doc_type_is_read_by_spec_and_linted(tmp_path: Path) -> None:
    text = GOOD_PAGE.replace("doc_type: apiPageType\n", "")
    page = tmp_path / "widget-update.md"
    page.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "spec.yaml"
    assert run_cli("spec", str(page), "-o", str(out)).returncode == 0
    assert "/widgets/{widgetId}" in yaml.safe_load(out.read_text(encoding="utf-8"))["paths"]
    out.unlink()
    report = lint_paths([tmp_path], LintSettings())
    assert report.files == (str(page),) and report.skipped == ()


def test_spec_of_a_file_that_is_no_page_is_exit_2(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Notes\n\nNothing to build here.\n", encoding="utf-8")
    out = tmp_path / "spec.yaml"
    result = run_cli("spec", str(readme), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"apigen: {readme}: not a Graph reference page: no doc_type front matter, HTTP request "
        "block or resource JSON block"
    ]
    assert not out.exists()
    assert lint_paths([readme], LintSettings()).skipped == (str(readme),)


def test_a_page_that_cannot_be_built_is_an_error_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(pages: Any) -> Any:
        raise InputError("the request path names no resource", file="x", line=27)

    monkeypatch.setattr("generator.lint.pages.build", refuse)
    page = tmp_path / "widget-update.md"
    page.write_text(GOOD_PAGE, encoding="utf-8")
    found = [f for f in _lint(page) if f.rule_id == "page-invalid"]
    assert [(f.line, f.severity, f.message) for f in found] == [
        (27, "error", "page cannot be built into a spec: the request path names no resource")
    ]


BROKEN_SPEC = """\
openapi: 3.0.3
info: {title: t, version: "1", description: d}
servers: [{url: "https://x.example/v1.0"}]
security: [{bearer: []}]
tags: [{name: a}]
paths:
  /a:
    get:
      operationId: getA
      description: d
      tags: [a]
      x-ms-permissions: {}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                oneOf:
                  - type: strin
                  - type: integer
  /b:
    get:
      operationId: getA
      description: d
      tags: [a]
      x-ms-permissions: {}
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"""


def _spec_findings(path: Path) -> list[tuple[str, int, str | None]]:
    return [(f.rule_id, f.line, f.pointer) for f in _lint(path)]


def test_one_finding_per_fault_at_the_line_of_the_fault(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(BROKEN_SPEC, encoding="utf-8")
    assert _spec_findings(spec) == [
        ("spec-valid", _line_of(BROKEN_SPEC, "strin"), "/paths/~1a/get/responses/200/content/application~1json/schema/oneOf/0/type"),
        ("spec-operation-id-duplicate", _line_of(BROKEN_SPEC, "getA\n      description: d\n      tags: [a]\n      x-ms-permissions: {}\n      responses:\n        \"200\": {"), "/paths/~1b/get/operationId"),
    ]
    valid = next(f for f in _lint(spec) if f.rule_id == "spec-valid")
    assert valid.message.startswith("'strin' is not one of [")
    # With an example, the fault is the example rule's, which names the validator's error.
    with_example = BROKEN_SPEC.replace("- type: integer\n", "- type: integer\n              example: 5\n", 1)
    spec.write_text(with_example, encoding="utf-8")
    (finding,) = _lint(spec)[:1]
    assert (finding.rule_id, finding.line) == ("spec-example-schema", _line_of(with_example, "example: 5"))
    assert "'strin' is not one of [" in finding.message and "/oneOf/0/type" in finding.message
    assert [f.rule_id for f in _lint(spec)] == ["spec-example-schema", "spec-operation-id-duplicate"]


def test_a_json_spec_is_located_too(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    text = json.dumps(yaml.safe_load(BROKEN_SPEC), indent=2)
    spec.write_text(text, encoding="utf-8")
    lines = {rule: line for rule, line, _ in _spec_findings(spec)}
    assert lines["spec-valid"] == _line_of(text, '"strin"')


def test_messages_are_whole_and_every_format_has_the_same_place(tmp_path: Path) -> None:
    long_value = "not a number " * 20
    page = tmp_path / "widget-update.md"
    page.write_text(GOOD_PAGE.replace('"size": 3', f'"size": "{long_value}"', 1), encoding="utf-8")
    report = lint_paths([page], LintSettings())
    finding = next(f for f in report.findings if f.rule_id == "page-example-schema")
    assert " ".join(long_value.split()) in finding.message
    sarif = json.loads(render_sarif(report))["runs"][0]["results"]
    github = render_github(report).splitlines()
    for f, result, annotation in zip(report.findings, sarif, github, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (f.line, f.column)
        assert f",line={f.line},col={f.column}," in annotation


def test_a_schema_the_validator_cannot_read_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        BROKEN_SPEC.replace("  securitySchemes:", "  schemas:\n    A: {type: [string, integer], example: 1}\n  securitySchemes:"),
        encoding="utf-8",
    )
    result = run_cli("lint", str(spec))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "[/components/schemas/A/example]" in result.stdout and "at /components/schemas/A" in result.stdout
