"""Lint that docs CI can trust: the forms real Graph pages take are not findings (each false
positive class met on the corpus, on a small page of our own), while the faults next to
them still are."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, run_cli

from generator.lint import LintSettings, lint_paths
from generator.lint.core import Finding

GOOD_PAGE = (ROOT / "tests" / "data" / "lint" / "widget-update.md").read_text(encoding="utf-8")
RESPONSE_BODY = '''HTTP/1.1 200 OK
Content-Type: application/json

{
  "displayName": "Blue widget",'''


def _edit(old: str, new: str, text: str = GOOD_PAGE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _findings(tmp_path: Path, text: str, name: str = "widget-update.md") -> list[Finding]:
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    return list(lint_paths([page], LintSettings()).findings)


def _rules(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def test_the_good_page_stays_clean(tmp_path: Path) -> None:
    assert _findings(tmp_path, GOOD_PAGE) == []


def test_a_response_shows_the_whole_resource_not_the_update_table(tmp_path: Path) -> None:
    text = _edit(RESPONSE_BODY, RESPONSE_BODY.replace("{\n", '{\n  "id": "42",\n  "tags": ["a", "b"],\n'))
    assert _findings(tmp_path, text) == []
    # The same properties in the request are not in the table: findings.
    request = _edit('Content-Type: application/json\n\n{\n', 'Content-Type: application/json\n\n{\n  "tags": ["a"],\n')
    assert _rules(_findings(tmp_path, request)) == ["page-example-unknown-property"]


def test_a_response_placeholder_is_still_a_finding(tmp_path: Path) -> None:
    response = GOOD_PAGE[GOOD_PAGE.index("HTTP/1.1 200 OK") :]
    text = GOOD_PAGE.replace(response, response.replace('"size": 3', '"size": "Integer"'))
    found = _findings(tmp_path, text)
    assert _rules(found) == ["page-example-schema"]
    assert found[0].message.startswith('response example value "Integer" for `size`')


def test_a_response_value_of_another_shape_than_the_update_table_is_no_finding(tmp_path: Path) -> None:
    response = GOOD_PAGE[GOOD_PAGE.index("HTTP/1.1 200 OK") :]
    text = GOOD_PAGE.replace(response, response.replace('"size": 3', '"size": {"units": 3}'))
    assert _findings(tmp_path, text) == []
    # In the request it is a finding: the request is what the table describes.
    request = _edit('"size": 3,\n  "createdDateTime": "2024-05-01T10:00:00Z"\n}\n```\n\n### Response',
                    '"size": {"units": 3},\n  "createdDateTime": "2024-05-01T10:00:00Z"\n}\n```\n\n### Response')
    assert _rules(_findings(tmp_path, request)) == ["page-example-schema"]


def test_a_body_wrapping_the_tables_object_is_read_inside(tmp_path: Path) -> None:
    body = '{\n  "displayName": "Blue widget",\n  "status": "active",\n  "size": 3,\n  "createdDateTime": "2024-05-01T10:00:00Z"\n}\n```\n\n### Response'
    wrapped = '{\n  "widget": {\n    "displayName": "Blue widget",\n    "size": 3\n  }\n}\n```\n\n### Response'
    assert _findings(tmp_path, _edit(body, wrapped)) == []
    unknown = wrapped.replace('"size": 3', '"size": 3,\n    "colour": "blue"')
    found = _findings(tmp_path, _edit(body, unknown))
    assert [(f.rule_id, f.message) for f in found] == [
        ("page-example-unknown-property", "request example has `colour`, which the property table lacks")
    ]


@pytest.mark.parametrize(
    "cell",
    [
        "Widget.Read.All and Widget.ReadWrite.All",
        "Widget.Read.All or Widget.ReadWrite.All",
        "For widget resource: Widget.ReadWrite.All",
        "Widget.ReadWrite.All<br>And:<ul><li>If the widget is shared: Share.Read.All</li></ul>",
    ],
)
def test_permission_cells_in_words_are_read_as_meant(tmp_path: Path, cell: str) -> None:
    assert _findings(tmp_path, _edit("|Application|Widget.ReadWrite.All|", f"|Application|{cell}|")) == []


def test_not_applicable_is_not_supported_and_prose_is_still_a_finding(tmp_path: Path) -> None:
    text = _edit("|Delegated (personal Microsoft account)|Not supported.|", "|Delegated (personal Microsoft account)|Not applicable|")
    assert _findings(tmp_path, text) == []
    prose = _edit("|Application|Widget.ReadWrite.All|", "|Application|Widget read and write|")
    assert _rules(_findings(tmp_path, prose)) == ["page-permissions"]


def test_an_ignored_annotation_above_a_table_is_used_as_meant(tmp_path: Path) -> None:
    table = "|Permission type|Permissions (from least to most privileged)|"
    ignored = '<!-- { "blockType": "ignored" } // Note: the permissions tool leaves this table alone. -->\n' + table
    assert _findings(tmp_path, _edit(table, ignored)) == []
    # Any other annotation above a table still says that it annotates nothing.
    other = '<!-- { "blockType": "request", "name": "x" } -->\n' + table
    assert "annotation-unused" in " ".join(f.message for f in _findings(tmp_path, _edit(table, other)))


@pytest.mark.parametrize(
    ("template", "example"),
    [
        ("PATCH /users/{id}/widgets/{widget-id}", "PATCH https://graph.microsoft.com/v1.0/me/widgets/42"),
        ("PATCH /me/widgets/{widget-id}", "PATCH https://graph.microsoft.com/v1.0/users/7/widgets/42"),
        ("PATCH /widgets/{widget-id}", "PATCH https://graph.microsoft.com/v1.0/widgets/42/microsoft.graph.blueWidget"),
        ("PATCH /widgets/{widget-id}", "PATCH https://upload.contoso-cdn.example/uploads/AbCdEf"),
    ],
)
def test_request_examples_match_as_graph_addresses_them(tmp_path: Path, template: str, example: str) -> None:
    text = _edit("PATCH /widgets/{widget-id}", template)
    text = _edit("PATCH https://graph.microsoft.com/v1.0/widgets/42", example, text)
    assert "page-example-request-mismatch" not in _rules(_findings(tmp_path, text))


def test_a_request_example_on_another_path_is_still_a_mismatch(tmp_path: Path) -> None:
    text = _edit("PATCH https://graph.microsoft.com/v1.0/widgets/42", "PATCH https://graph.microsoft.com/v1.0/me/gadgets/42")
    assert _rules(_findings(tmp_path, text)) == ["page-example-request-mismatch"]


def test_syntax_blocks_are_not_examples_but_an_ignored_response_answers(tmp_path: Path) -> None:
    syntax = '\n<!-- { "blockType": "ignored" } -->\n```http\nGET /widgets/{widget-id}?$select=size\nGET /widgets/{widget-id}?$select=status\n```\n'
    text = _edit("## Request headers", syntax + "\n## Request headers")
    assert _findings(tmp_path, text) == []
    ignored_response = _edit('"blockType": "response",\n  "@odata.type": "microsoft.graph.widget"', '"blockType": "ignored"')
    assert _findings(tmp_path, ignored_response) == []
    # A request example no response follows is still one.
    request_only = ignored_response.replace("HTTP/1.1 200 OK", "Some prose.", 1)
    assert "page-examples-unpaired" in _rules(_findings(tmp_path, request_only))


def test_query_variants_of_one_request_are_one_operation(tmp_path: Path) -> None:
    text = _edit("PATCH /widgets/{widget-id}\n", "PATCH /widgets/{widget-id}\nPATCH /widgets/{widget-id}?validate=true\n")
    assert _findings(tmp_path, text) == []
    out = tmp_path / "spec.yaml"
    result = run_cli("spec", str(tmp_path / "widget-update.md"), "-o", str(out))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr


def test_members_after_unknown_future_value_and_string_values_are_no_enum_finding(tmp_path: Path) -> None:
    later = _edit("`retired`, `unknownFutureValue`", "`retired`, `unknownFutureValue`, `archived`")
    assert _findings(tmp_path, later) == []
    string_values = _edit("|size|Int32|The size in units. Optional.|", "|size|String|The size. The possible values are: `small`, `large`. Optional.|")
    string_values = _edit('"size": 3', '"size": "small"', string_values)
    assert _findings(tmp_path, string_values) == []
    missing = _findings(tmp_path, _edit(", `unknownFutureValue`", ""))
    assert [(f.rule_id, f.severity) for f in missing] == [("page-enum-evolvable", "info")]


def test_rows_of_a_table_that_is_not_a_parameter_table_need_no_description(tmp_path: Path) -> None:
    values = "\n## Optional query parameters\n\n|Value|Description|\n|:---|:---|\n|fail|Report the failure.|\n\n"
    text = _edit("## Request headers", values + "## Request headers")
    assert [f.rule_id for f in _findings(tmp_path, text) if f.severity != "info"] == []


RESOURCE_PAGE = """---
title: "widget resource type"
description: "A widget."
author: "someone"
ms.prod: "widgets"
doc_type: resourcePageType
---

# widget resource type

Namespace: microsoft.graph

A widget.

## Properties

|Property|Type|Description|
|:---|:---|:---|
|id|String|The identifier.|
|size|Int32|The size in units.|
|colour (deprecated)|String|Use **size**.|

## JSON representation

<!-- {
  "blockType": "resource",
  "@odata.type": "microsoft.graph.widget"
}-->
``` json
{
  "id": "String (identifier)",
  "size": "Int32"
}
```
"""


def test_a_deprecated_property_may_be_left_out_of_the_representation(tmp_path: Path) -> None:
    assert _findings(tmp_path, RESOURCE_PAGE, "widget.md") == []
    missing = RESOURCE_PAGE.replace('  "size": "Int32"\n', "").replace('"id": "String (identifier)",', '"id": "String (identifier)"')
    found = _findings(tmp_path, missing, "widget.md")
    assert [(f.rule_id, f.message) for f in found] == [
        ("page-example-missing-property", "property `size` appears in no JSON representation")
    ]


def test_every_status_the_response_section_names_is_accepted(tmp_path: Path) -> None:
    two = _edit("returns a `200 OK` response code and", "returns a `200 OK` response code, or a `202 Accepted` response code when it runs later, and")
    assert _findings(tmp_path, _edit("HTTP/1.1 200 OK", "HTTP/1.1 202 Accepted", two)) == []
    # A status the section does not name is still a contradiction.
    found = _findings(tmp_path, _edit("HTTP/1.1 200 OK", "HTTP/1.1 201 Created"))
    assert _rules(found) == ["page-response-status"]


def test_a_redirect_and_the_answer_it_leads_to_are_one_response(tmp_path: Path) -> None:
    redirect = _edit("returns a `200 OK` response code and", "returns a `302 Found` response code that leads to")
    redirect = _edit("HTTP/1.1 200 OK", "HTTP/1.1 302 Found\nLocation: https://download.example/file\n```\n\n"
                     '<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->\n```http\nHTTP/1.1 200 OK', redirect)
    assert _findings(tmp_path, redirect) == []


def test_a_section_that_lists_only_the_required_properties_is_a_subset(tmp_path: Path) -> None:
    extra = _edit('"size": 3,', '"size": 3,\n  "colour": "blue",')
    assert _rules(_findings(tmp_path, extra)) == ["page-example-unknown-property"]
    subset = _edit("## Request body\n", "## Request body\n\nThe following table shows the properties that are required when you update the widget.\n", extra)
    assert _findings(tmp_path, subset) == []


def test_http_request_headings_naming_their_case_are_read(tmp_path: Path) -> None:
    text = _edit("## HTTP request\n", "## HTTP request (to update a widget)\n")
    assert _findings(tmp_path, text) == []
