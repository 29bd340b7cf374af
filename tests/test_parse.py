"""The page parser, told as what a user pointing apigen at a page expects to see read."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import InputError
from generator.pages.lenient_json import load_lenient_json
from generator.pages.parse import parse_page, parse_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"
PAGES = Path(__file__).resolve().parent / "pages"

MINIMAL = """---
title: "Update thing"
doc_type: apiPageType
---

# Update thing
Namespace: microsoft.graph

Update a thing.

## HTTP request
``` http
PATCH /things/{id}
```
"""


def test_seed_page_reads_title_namespace_and_description_with_lines() -> None:
    page = parse_page(SEED)
    assert (
        page.title is not None
        and page.title.value == "Update learningSelfInitiatedCourse"
    )
    assert page.title.line == 10
    assert page.namespace is not None and page.namespace.value == "microsoft.graph"
    assert page.description is not None and page.description.line == 15
    assert page.front_matter["doc_type"].value == "apiPageType"
    assert page.front_matter["doc_type"].line == 7
    assert page.diagnostics == ()


def test_seed_permissions_keep_todo_text_verbatim() -> None:
    page = parse_page(SEED)
    assert [p.type for p in page.permissions] == [
        "Delegated (work or school account)",
        "Delegated (personal Microsoft account)",
        "Application",
    ]
    assert (
        page.permissions[0].permissions == "**TODO: Provide applicable permissions.**"
    )
    assert page.permissions[0].line == 22


def test_seed_http_request_and_headers() -> None:
    page = parse_page(SEED)
    assert [(r.method, r.target, r.line) for r in page.http_requests] == [
        ("PATCH", "/learningSelfInitiatedCourse", 33)
    ]
    assert [(h.name, h.required) for h in page.headers] == [
        ("Authorization", True),
        ("Content-Type", True),
    ]


def test_request_body_rows_read_required_inherited_and_enum_values() -> None:
    page = parse_page(SEED)
    rows = {r.name: r for r in page.request_body[0].rows}
    assert next(iter(rows)) == "externalcourseActivityId"
    assert rows["learningContentId"].required is True
    assert rows["learningProviderId"].required is False
    assert (
        rows["learningContentId"].inherited_from
        == "microsoft.vivaLearning.learningCourseActivity"
    )
    assert rows["startedDateTime"].inherited_from is None
    assert rows["status"].type.name == "courseStatus"
    assert rows["status"].enum_values == (
        "notStarted",
        "inProgress",
        "completed",
        "unknownFutureValue",
    )
    assert rows["completionPercentage"].line == 55


def test_required_read_from_end_of_description() -> None:
    text = MINIMAL + (
        "\n## Request body\n|Property|Type|Description|\n|:---|:---|:---|\n"
        "|name|String|The name. It must be unique. Required.|\n"
        "|tags|String collection|Optional. Free tags.|\n"
        "|note|String|Nothing said.|\n"
    )
    rows = parse_text(text, "p.md").request_body[0].rows
    assert [(r.name, r.required) for r in rows] == [
        ("name", True),
        ("tags", False),
        ("note", None),
    ]
    assert rows[1].type.collection is True and rows[1].type.name == "String"


def test_seed_response_names_status_and_body_type() -> None:
    response = parse_page(SEED).response
    assert response is not None
    assert (
        response.status,
        response.reason,
        response.body_type,
        response.collection,
    ) == (
        200,
        "OK",
        "learningSelfInitiatedCourse",
        False,
    )


def test_seed_examples_keep_annotation_and_json_body() -> None:
    page = parse_page(SEED)
    request = page.examples_of("request")[0]
    assert request.annotation == {
        "blockType": "request",
        "name": "update_learningselfinitiatedcourse",
    }
    assert request.annotation_line == 68
    assert request.http is not None and request.http.method == "PATCH"
    assert request.http.body_json["completionPercentage"] == "Integer"
    response = page.examples_of("response")[0]
    assert response.http is not None and response.http.status == 200
    assert response.annotation["truncated"] is True


def test_trailing_comma_json_example() -> None:
    assert load_lenient_json(
        '{\n  "a": [1, 2,],\n  "b": {"c": "x,"},\n}', "f.md", 10
    ) == {"a": [1, 2], "b": {"c": "x,"}}
    page = parse_page(PAGES / "api-reference__v1.0__api__user-post-users.md")
    bodies = [e.http.body_json for e in page.examples_of("request") if e.http]
    assert bodies and all(isinstance(b, dict) for b in bodies)
    assert not [d for d in page.diagnostics if d.code == "example-json"]


def test_comments_in_json_are_tolerated_and_bad_json_names_its_line() -> None:
    assert load_lenient_json('{"a": 1 // one\n, "b": /* two */ 2}', "f.md", 1) == {
        "a": 1,
        "b": 2,
    }
    with pytest.raises(InputError) as err:
        load_lenient_json('{\n  "a": 1\n  "b": 2\n}', "f.md", 40)
    assert err.value.file == "f.md" and err.value.line == 42


def test_missing_http_block_is_input_error_with_line() -> None:
    text = MINIMAL.replace("``` http\nPATCH /things/{id}\n```\n", "Nothing here.\n")
    with pytest.raises(InputError) as err:
        parse_text(text, "nohttp.md")
    assert err.value.file == "nohttp.md" and err.value.line == 11
    assert "HTTP request" in str(err.value)


def test_missing_title_is_input_error() -> None:
    with pytest.raises(InputError) as err:
        parse_text("---\ndoc_type: apiPageType\n---\n\nSome text.\n", "notitle.md")
    assert err.value.line == 1 and "title" in err.value.message


def test_missing_file_and_non_utf8_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        parse_page(tmp_path / "absent.md")
    assert err.value.file is not None and err.value.file.endswith("absent.md")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: x\n---\n\n# x \xff\n")
    with pytest.raises(InputError) as err:
        parse_page(bad)
    assert err.value.line == 5


def test_crlf_and_ragged_rows_are_tolerated() -> None:
    text = (
        MINIMAL
        + "\n## Request body\n|Property|Type|Description|\n|:---|:---|:---|\n|name|String|\n"
    ).replace("\n", "\r\n")
    page = parse_text(text, "crlf.md")
    assert page.http_requests[0].target == "/things/{id}"
    row = page.request_body[0].rows[0]
    assert (row.name, row.type.name, row.description, row.required) == (
        "name",
        "String",
        "",
        None,
    )


def test_unknown_table_is_reported_not_dropped() -> None:
    text = MINIMAL + "\n## Limits\n|Limit|Value|\n|:---|:---|\n|max|10|\n"
    page = parse_text(text, "t.md")
    assert [(d.line, d.code) for d in page.diagnostics] == [
        (17, "table-not-understood")
    ]


def test_bad_annotation_json_is_a_diagnostic_with_its_line() -> None:
    text = (
        MINIMAL
        + '\n## Examples\n<!-- { "blockType": "request" "name": "x" } -->\n```http\nGET /things\n```\n'
    )
    page = parse_text(text, "a.md")
    assert [(d.line, d.code) for d in page.diagnostics] == [(17, "annotation-json")]
    assert page.examples[0].block_type is None


def test_tab_groups_includes_and_interactive_fences() -> None:
    page = parse_page(
        PAGES / "api-reference__v1.0__api__learningcourseactivity-update.md"
    )
    assert [e.block_type for e in page.examples] == [
        "request",
        "response",
        "request",
        "response",
    ]
    assert page.examples[1].http is not None and page.examples[1].http.status == 204
    # The permissions table is an include; the copied include file sits beside the page.
    assert [p.permissions for p in page.permissions][
        -1
    ] == "LearningAssignedCourse.ReadWrite.All"
    assert (
        page.permissions[-1].higher_privileged
        == "LearningSelfInitiatedCourse.ReadWrite.All"
    )
    delta = parse_page(PAGES / "api-reference__v1.0__api__message-delta.md")
    assert delta.examples_of("request")[0].language == "msgraph-interactive"
    assert delta.examples_of("request")[0].http is not None


def test_missing_permissions_include_is_reported() -> None:
    page = parse_page(
        PAGES / "api-reference__v1.0__api__learningcourseactivity-list.md"
    )
    assert [(d.line, d.code) for d in page.diagnostics] == [(23, "include-not-found")]


def test_several_request_urls_and_query_options() -> None:
    page = parse_page(PAGES / "api-reference__v1.0__api__learningcourseactivity-get.md")
    assert [r.target for r in page.http_requests] == [
        "/employeeExperience/learningCourseActivities/{Id}",
        "/employeeExperience/learningProviders/{registrationId}/learningCourseActivities(externalCourseActivityId={externalCourseActivityId})",
        "users/{user-id}/employeeExperience/learningCourseActivities/{id}",
        "me/employeeExperience/learningCourseActivities/{id}",
    ]
    assert [q.name for q in page.query_options] == ["$select"]
    listing = parse_page(
        PAGES / "api-reference__v1.0__api__learningcourseactivity-list.md"
    )
    assert listing.response is not None and listing.response.collection is True
    assert [q.name for q in listing.query_options] == [
        "$skip",
        "$top",
        "$count",
        "$select",
    ]


def test_function_parameters_and_query_parameter_tables() -> None:
    report = parse_page(
        PAGES / "api-reference__v1.0__api__reportroot-getemailactivityuserdetail.md"
    )
    assert [(p.name, p.location, p.type.name) for p in report.parameters] == [
        ("period", "function", "string"),
        ("date", "function", "Date"),
    ]
    delta = parse_page(PAGES / "api-reference__v1.0__api__message-delta.md")
    assert [(p.name, p.location) for p in delta.parameters] == [
        ("$deltatoken", "query"),
        ("$skiptoken", "query"),
    ]
    assert "$deltatoken" not in [q.name for q in delta.query_options]
    assert "Prefer" in [h.name for h in delta.headers]


def test_resource_page_reads_properties_base_and_resource_block() -> None:
    page = parse_page(
        PAGES / "api-reference__v1.0__resources__learningselfinitiatedcourse.md"
    )
    assert (
        page.base_type is not None and page.base_type.value == "learningCourseActivity"
    )
    assert (
        page.resource is not None
        and page.resource.annotation["@odata.type"]
        == "microsoft.graph.learningSelfInitiatedCourse"
    )
    assert page.resource.has_json
    names = [p.name for p in page.properties]
    assert names[0] == "@odata.type" and "startedDateTime" in names
    provider = parse_page(PAGES / "api-reference__v1.0__resources__learningprovider.md")
    assert [r.name for r in provider.relationships] == ["learningContents"]


def test_enums_page_reads_every_values_table() -> None:
    page = parse_page(PAGES / "api-reference__v1.0__resources__enums.md")
    assert len(page.enums) == 144
    first = page.enums[0]
    assert (first.name, [m.name for m in first.members], first.members[0].line) == (
        "lifecycleEventType",
        ["missed", "subscriptionRemoved", "reauthorizationRequired"],
        18,
    )


def test_every_corpus_page_parses_without_exception() -> None:
    pages = sorted(PAGES.glob("api-reference__*.md"))
    assert len(pages) == 37
    for path in pages:
        page = parse_page(path)
        assert page.title is not None or page.permissions, path.name
        for d in page.diagnostics:
            assert d.line >= 1 and d.code and d.message
