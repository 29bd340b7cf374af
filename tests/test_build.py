"""The spec builder: pages in, one valid OpenAPI 3.0.3 document out, in Graph's conventions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import run_cli
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from generator.errors import InputError
from generator.pages.build import build, build_spec, dump_yaml
from generator.pages.parse import parse_page, parse_text
from generator.spec.io import SpecFile, parse_spec_text
from generator.spec.overlay import Unmatched, apply_overlay

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"
PAGES = Path(__file__).resolve().parent / "pages"
S = "#/components/schemas/"
LEARNING = [
    "api__learningcourseactivity-update",
    "api__learningcourseactivity-get",
    "api__learningcourseactivity-list",
    "api__learningcourseactivity-delete",
    "api__employeeexperienceuser-post-learningcourseactivities",
    "resources__learningcourseactivity",
    "resources__learningselfinitiatedcourse",
    "resources__learningassignment",
    "resources__learningprovider",
    "resources__learningcontent",
    "resources__enums",
    "resources__datetimetimezone",
    "resources__itembody",
]


def seed_spec() -> dict[str, Any]:
    return build_spec([parse_page(SEED)])


def learning_spec() -> dict[str, Any]:
    return build_spec(
        [parse_page(PAGES / f"api-reference__v1.0__{n}.md") for n in LEARNING]
    )


def _absolute_refs(node: Any) -> Any:
    """A schema whose local ``#/...`` refs point into the registered spec document."""
    if isinstance(node, dict):
        return {
            k: ("urn:spec" + v if k == "$ref" else _absolute_refs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(v) for v in node]
    return node


def example_errors(spec: dict[str, Any]) -> list[str]:
    """Every media-type example checked against its schema with the OpenAPI 3.0 validator."""
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT4)
    )
    errors: list[str] = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            medias = (
                [op["requestBody"]["content"]["application/json"]]
                if "requestBody" in op
                else []
            )
            medias += [
                r["content"]["application/json"]
                for r in op["responses"].values()
                if "content" in r
            ]
            for media in medias:
                if "example" not in media:
                    continue
                schema = _absolute_refs(media["schema"])
                for e in OAS30Validator(schema, registry=registry).iter_errors(
                    media["example"]
                ):
                    errors.append(f"{method} {path}: {e.message}")
    return errors


def test_seed_page_becomes_valid_spec() -> None:
    spec = seed_spec()
    validate(spec)
    assert spec["openapi"] == "3.0.3"
    assert spec["info"] == {
        "title": "Update learningSelfInitiatedCourse",
        "description": "Update the properties of a learningSelfInitiatedCourse object.",
        "version": "v1.0",
    }
    assert spec["servers"] == [{"url": "https://graph.microsoft.com/v1.0"}]
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


def test_seed_operation_shape() -> None:
    op = seed_spec()["paths"]["/learningSelfInitiatedCourse"]["patch"]
    assert op["operationId"] == "updateLearningSelfInitiatedCourse"
    assert op["summary"] == "Update learningSelfInitiatedCourse"
    assert op["tags"] == ["learningSelfInitiatedCourse"]
    ref = {"$ref": S + "microsoft.graph.learningSelfInitiatedCourse"}
    assert op["requestBody"]["required"] is True
    body = op["requestBody"]["content"]["application/json"]["schema"]
    # An update sends a subset of the properties: a partial view of the entity, no `required`.
    assert body["x-apigen-partial-of"] == ref["$ref"] and "required" not in body
    assert op["responses"]["200"]["description"] == "OK"
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == ref
    assert op["responses"]["default"] == {"$ref": "#/components/responses/error"}
    assert op["x-ms-permissions"][2] == {
        "type": "Application",
        "permissions": ["**TODO: Provide applicable permissions.**"],
    }


def test_seed_family_base_named_as_page_names_it_with_discriminator() -> None:
    schemas = seed_spec()["components"]["schemas"]
    base = schemas["microsoft.vivaLearning.learningCourseActivity"]
    assert list(base["properties"]) == [
        "externalcourseActivityId",
        "learningProviderId",
        "learningContentId",
        "learnerUserId",
        "status",
        "completedDateTime",
        "completionPercentage",
        "@odata.type",
    ]
    assert base["required"] == ["learningContentId", "learnerUserId"]
    assert base["discriminator"] == {
        "propertyName": "@odata.type",
        "mapping": {
            "#microsoft.graph.learningSelfInitiatedCourse": S
            + "microsoft.graph.learningSelfInitiatedCourse"
        },
    }
    sub = schemas["microsoft.graph.learningSelfInitiatedCourse"]
    assert sub["allOf"][0] == {
        "$ref": S + "microsoft.vivaLearning.learningCourseActivity"
    }
    assert list(sub["allOf"][1]["properties"]) == ["startedDateTime"]


def test_seed_types_follow_graph_mapping() -> None:
    schemas = seed_spec()["components"]["schemas"]
    props = schemas["microsoft.vivaLearning.learningCourseActivity"]["properties"]
    assert props["completionPercentage"] == {
        "type": "integer",
        "format": "int32",
        "minimum": -2147483648,
        "maximum": 2147483647,
        "nullable": True,
    }
    assert props["completedDateTime"] == {
        "type": "string",
        "format": "date-time",
        "nullable": True,
    }
    assert props["learningContentId"] == {"type": "string"}
    assert props["status"]["anyOf"] == [
        {"$ref": S + "microsoft.graph.courseStatus"},
        {"type": "object", "nullable": True},
    ]
    assert schemas["microsoft.graph.courseStatus"] == {
        "type": "string",
        "enum": ["notStarted", "inProgress", "completed", "unknownFutureValue"],
    }


def test_descriptions_lose_todo_inherited_and_required_markers() -> None:
    props = seed_spec()["components"]["schemas"][
        "microsoft.vivaLearning.learningCourseActivity"
    ]["properties"]
    assert "description" not in props["learningContentId"]
    assert (
        props["status"]["description"]
        == "The possible values are: `notStarted`, `inProgress`, `completed`, `unknownFutureValue`."
    )


def test_graph_error_shape() -> None:
    spec = seed_spec()
    assert spec["components"]["responses"]["error"]["content"]["application/json"][
        "schema"
    ] == {"$ref": S + "microsoft.graph.ODataErrors.ODataError"}
    main = spec["components"]["schemas"]["microsoft.graph.ODataErrors.MainError"]
    assert main["required"] == ["code", "message"]
    assert set(main["properties"]) == {
        "code",
        "message",
        "target",
        "details",
        "innerError",
    }
    inner = spec["components"]["schemas"]["microsoft.graph.ODataErrors.InnerError"]
    assert list(inner["properties"]) == ["request-id", "client-request-id", "date"]


def test_placeholders_become_typed_samples_that_fit_the_schema() -> None:
    spec = seed_spec()
    example = spec["paths"]["/learningSelfInitiatedCourse"]["patch"]["requestBody"][
        "content"
    ]["application/json"]["example"]
    assert example == {
        "@odata.type": "#microsoft.graph.learningSelfInitiatedCourse",
        "externalcourseActivityId": "string",
        "learningProviderId": "string",
        "learningContentId": "string",
        "learnerUserId": "string",
        "status": "notStarted",
        "completedDateTime": "2024-01-01T00:00:00Z",
        "completionPercentage": 0,
        "startedDateTime": "2024-01-01T00:00:00Z",
    }
    assert example_errors(spec) == []


def test_example_check_would_catch_a_bad_example() -> None:
    spec = copy.deepcopy(seed_spec())
    media = spec["paths"]["/learningSelfInitiatedCourse"]["patch"]["requestBody"][
        "content"
    ]["application/json"]
    media["example"]["completionPercentage"] = 2**31
    assert len(example_errors(spec)) == 1


def test_same_page_gives_byte_identical_yaml() -> None:
    first = dump_yaml(seed_spec())
    assert first == dump_yaml(seed_spec())
    assert yaml.safe_load(first) == seed_spec()
    assert "&id" not in first and "\n? " not in first


def test_unknown_type_is_a_diagnostic_and_a_minimal_object() -> None:
    text = (
        '---\ntitle: "Update widget"\ndoc_type: apiPageType\n---\n\n# Update widget\nNamespace: microsoft.graph\n\n'
        "Update a widget.\n\n## HTTP request\n```http\nPATCH /widgets/{id}\n```\n\n## Request body\n"
        "|Property|Type|Description|\n|:---|:---|:---|\n|shape|widgetShape|The shape. Optional.|\n\n"
        "## Response\nIf successful, this method returns a `204 No Content` response code.\n"
    )
    result = build([parse_text(text, "w.md")])
    validate(result.spec)
    assert result.spec["components"]["schemas"]["microsoft.graph.widgetShape"] == {
        "type": "object",
        "properties": {},
    }
    assert [(d.source, d.line, d.code) for d in result.diagnostics] == [
        ("w.md", 19, "type-stub")
    ]
    op = result.spec["paths"]["/widgets/{widgetId}"]["patch"]
    assert op["responses"]["204"] == {"description": "No Content"}
    assert op["parameters"][0] == {
        "name": "widgetId",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }


def test_learning_page_set_gives_one_valid_spec_with_real_paths() -> None:
    spec = learning_spec()
    validate(spec)
    key = "/employeeExperience/learningProviders/{registrationId}/learningCourseActivities/{learningCourseActivityId}"
    assert sorted(spec["paths"][key]) == ["delete", "get", "patch"]
    assert spec["paths"][key]["patch"]["responses"]["204"] == {
        "description": "No Content"
    }
    assert [p["name"] for p in spec["paths"][key]["delete"]["parameters"]] == [
        "registrationId",
        "learningCourseActivityId",
    ]
    create = spec["paths"][
        "/employeeExperience/learningProviders/{registrationId}/learningCourseActivities"
    ]["post"]
    assert create["operationId"] == "createLearningCourseActivity"
    assert "201" in create["responses"]
    assert example_errors(spec) == []


def test_learning_family_is_discriminated_from_entity_down() -> None:
    schemas = learning_spec()["components"]["schemas"]
    activity = schemas["microsoft.graph.learningCourseActivity"]
    assert activity["allOf"][0] == {"$ref": S + "microsoft.graph.entity"}
    assert activity["allOf"][1]["discriminator"]["mapping"] == {
        "#microsoft.graph.learningAssignment": S + "microsoft.graph.learningAssignment",
        "#microsoft.graph.learningSelfInitiatedCourse": S
        + "microsoft.graph.learningSelfInitiatedCourse",
    }
    assert "id" not in activity["allOf"][1]["properties"]
    assert schemas["microsoft.graph.entity"]["properties"]["@odata.type"] == {
        "type": "string"
    }
    assert schemas["microsoft.graph.learningAssignment"]["allOf"][0] == {
        "$ref": S + "microsoft.graph.learningCourseActivity"
    }
    # The enums page lists 144 enums; only those the set uses are kept.
    assert "microsoft.graph.lifecycleEventType" not in schemas
    assert schemas["microsoft.graph.bodyType"]["enum"] == ["text", "html"]


def test_list_operation_is_pageable_with_collection_response() -> None:
    spec = learning_spec()
    op = spec["paths"]["/users/{userId}/employeeExperience/learningCourseActivities"][
        "get"
    ]
    assert op["operationId"] == "listLearningCourseActivitiesForUser"
    assert op["x-ms-pageable"] == {
        "nextLinkName": "@odata.nextLink",
        "itemName": "value",
    }
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert spec["components"]["schemas"][ref[len(S) :]] == {
        "type": "object",
        "properties": {
            "value": {
                "type": "array",
                "items": {"$ref": S + "microsoft.graph.learningCourseActivity"},
            },
            "@odata.nextLink": {"type": "string", "nullable": True},
        },
    }
    names = [p["name"] for p in op["parameters"]]
    # The page's options, then the others Graph supports on a collection.
    assert names == [
        "userId",
        "$skip",
        "$top",
        "$count",
        "$select",
        "$search",
        "$filter",
        "$orderby",
        "$expand",
    ]


def test_alternate_key_and_function_paths() -> None:
    spec = learning_spec()
    alt = "/employeeExperience/learningProviders/{registrationId}/learningCourseActivities(externalCourseActivityId='{externalCourseActivityId}')"
    assert (
        spec["paths"][alt]["get"]["operationId"]
        == "getLearningCourseActivityByExternalCourseActivityId"
    )
    report = build_spec(
        [
            parse_page(
                PAGES
                / "api-reference__v1.0__api__reportroot-getemailactivityuserdetail.md"
            )
        ]
    )
    validate(report)
    assert sorted(report["paths"]) == [
        "/reports/getEmailActivityUserDetail(date={date})",
        "/reports/getEmailActivityUserDetail(period='{period}')",
    ]


def test_every_corpus_api_page_builds_a_valid_spec_alone() -> None:
    for path in sorted(PAGES.glob("api-reference__*__api__*.md")):
        spec = build_spec([parse_page(path)])
        validate(spec)
        assert example_errors(spec) == [], path.name


def test_overlay_adds_the_bound_the_page_states_in_prose() -> None:
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "learning fixes", "version": "1.0.0"},
        "actions": [
            {
                "target": "$.components.schemas['microsoft.graph.learningCourseActivity'].allOf[1].properties.completionPercentage",
                "update": {"minimum": 0, "maximum": 100},
            },
            {
                "target": "$.paths.*[?(@.operationId == 'listLearningCourseActivities')]",
                "update": {"x-note": "me"},
            },
            {
                "target": "$.components.schemas['microsoft.graph.itemBody']",
                "remove": True,
            },
        ],
    }
    pages = [parse_page(PAGES / f"api-reference__v1.0__{n}.md") for n in LEARNING]
    spec = apply_overlay(build_spec(pages), _overlay(overlay)).spec
    prop = spec["components"]["schemas"]["microsoft.graph.learningCourseActivity"][
        "allOf"
    ][1]["properties"]["completionPercentage"]
    assert (prop["minimum"], prop["maximum"]) == (0, 100)
    assert (
        spec["paths"]["/me/employeeExperience/learningCourseActivities"]["get"][
            "x-note"
        ]
        == "me"
    )
    assert "microsoft.graph.itemBody" not in spec["components"]["schemas"]
    plain = learning_spec()
    assert apply_overlay(plain, _overlay({"overlay": "1.0.0", "actions": []})).spec == plain


def test_bad_overlay_is_input_error_with_pointer() -> None:
    with pytest.raises(InputError) as err:
        apply_overlay(
            seed_spec(),
            _overlay({"overlay": "1.0.0", "actions": [{"target": "components", "update": {}}]}),
        )
    assert err.value.pointer == "/actions/0/target"
    assert err.value.file == "overlay.yaml" and err.value.line == 5
    with pytest.raises(InputError):
        apply_overlay(seed_spec(), _overlay({"actions": []}))


def test_an_overlay_target_that_matches_nothing_is_a_warning_naming_its_line(
    tmp_path: Path,
) -> None:
    overlay = {"overlay": "1.0.0", "actions": [{"target": "$.nothing", "update": {"x": 1}}]}
    result = apply_overlay(seed_spec(), _overlay(overlay))
    assert result.spec == seed_spec() and result.unmatched == (Unmatched(5, "$.nothing"),)
    (tmp_path / "overlay.yaml").write_text(json.dumps(overlay, indent=1), encoding="utf-8")
    args = ("spec", str(SEED), "-o", "out.yaml", "--overlay", "overlay.yaml")
    shown = run_cli(*args, cwd=tmp_path)
    assert shown.returncode == 0
    assert "apigen: warning: overlay.yaml:5: overlay target $.nothing matches nothing" in shown.stderr
    strict = run_cli(*args, "--strict", cwd=tmp_path)
    assert strict.returncode == 1


def _overlay(data: dict[str, Any]) -> SpecFile:
    """An overlay as read from overlay.yaml (JSON is YAML: one key per line here)."""
    return parse_spec_text(json.dumps(data, indent=1), "overlay.yaml")


LEARNING_KEY = "/employeeExperience/learningProviders/{registrationId}/learningCourseActivities/{learningCourseActivityId}"


def test_entity_address_documented_for_patch_and_delete_also_gets_the_documented_get() -> None:
    result = build(
        [parse_page(PAGES / f"api-reference__v1.0__{n}.md") for n in LEARNING]
    )
    item = result.spec["paths"][LEARNING_KEY]
    source = result.spec["paths"][
        "/employeeExperience/learningCourseActivities/{learningCourseActivityId}"
    ]["get"]
    get = item["get"]
    assert get["operationId"] == "getLearningCourseActivityForLearningProvider"
    assert get["x-ms-docs-inferred-from"] == (
        "GET /employeeExperience/learningCourseActivities/{learningCourseActivityId}"
    )
    assert [p["name"] for p in get["parameters"]] == [
        "registrationId",
        "learningCourseActivityId",
        "$select",
        "$expand",
    ]
    assert get["responses"] == source["responses"]
    assert [d.code for d in result.diagnostics].count("inferred-get") == 1
    # A page set with no GET page for the entity set gets no GET.
    alone = build_spec(
        [parse_page(PAGES / "api-reference__v1.0__api__learningcourseactivity-delete.md")]
    )
    assert "get" not in alone["paths"][LEARNING_KEY]


def test_error_conditions_table_gives_one_response_per_status() -> None:
    spec = learning_spec()
    patch = spec["paths"][LEARNING_KEY]["patch"]
    assert list(patch["responses"]) == [
        "204", "400", "403", "404", "405", "429", "500", "503", "default",
    ]  # fmt: skip
    bad = patch["responses"]["400"]
    assert bad["content"]["application/json"]["schema"] == {
        "$ref": S + "microsoft.graph.ODataErrors.ODataError"
    }
    assert "This provider isn't enabled for the given tenant." in bad["description"]
    # The delete page documents no error table: only the default error response.
    assert list(spec["paths"][LEARNING_KEY]["delete"]["responses"]) == ["204", "default"]


def test_update_takes_the_base_type_and_subtype_tables_go_to_their_subtype() -> None:
    spec = learning_spec()
    body = spec["paths"][LEARNING_KEY]["patch"]["requestBody"]["content"][
        "application/json"
    ]
    assert body["schema"]["x-apigen-partial-of"] == S + "microsoft.graph.learningCourseActivity"
    assert "required" not in body["schema"]
    # Without resource pages the tables themselves define the two subtypes.
    page = parse_page(PAGES / "api-reference__v1.0__api__learningcourseactivity-update.md")
    assert [t.intro.split("(")[-1] for t in page.request_body] == [
        "**learningAssignment**).",
        "**learningSelfInitiated**).",
    ]
    activity = parse_text(
        (PAGES / "api-reference__v1.0__resources__learningcourseactivity.md").read_text(
            encoding="utf-8"
        ),
        "learningcourseactivity.md",
    )
    schemas = build_spec([page, activity])["components"]["schemas"]
    assignment = schemas["microsoft.graph.learningAssignment"]
    assert assignment["allOf"][0] == {"$ref": S + "microsoft.graph.learningCourseActivity"}
    # Only what the base lacks: the rest of each table repeats learningCourseActivity.
    assert list(assignment["allOf"][1]["properties"]) == ["notes"]
    mapping = schemas["microsoft.graph.learningCourseActivity"]["allOf"][1][
        "discriminator"
    ]["mapping"]
    assert sorted(mapping) == [
        "#microsoft.graph.learningAssignment",
        "#microsoft.graph.learningSelfInitiatedCourse",  # the page shortens it
    ]
    # The base page lists startedDateTime too, so the subtype adds nothing of its own.
    assert schemas["microsoft.graph.learningSelfInitiatedCourse"]["allOf"][1] == {
        "type": "object"
    }


def test_abstract_and_open_types_are_kept() -> None:
    schemas = build_spec(
        [
            parse_page(PAGES / f"api-reference__v1.0__resources__{n}.md")
            for n in ("attachment", "fileattachment", "event")
        ]
    )["components"]["schemas"]
    assert schemas["microsoft.graph.attachment"]["x-ms-abstract"] is True
    assert "x-ms-abstract" not in schemas["microsoft.graph.fileAttachment"]
    assert schemas["microsoft.graph.event"]["allOf"][1]["additionalProperties"] is True
    assert "additionalProperties" not in schemas["microsoft.graph.fileAttachment"]["allOf"][1]


def test_a_request_line_with_an_unclosed_key_gives_a_valid_path_and_a_located_warning() -> None:
    from generator.pages.build import build
    from generator.pages.parse import parse_text

    page = parse_text(
        '---\ndoc_type: apiPageType\n---\n# Follow driveItem\nNamespace: microsoft.graph\n\n'
        "Follow it.\n\n## HTTP request\n\n```http\nPOST /groups/{group-id/drive/items/{item-id}/follow\n```\n\n"
        "## Response\n\nIf successful, this method returns a `200 OK` response code.\n",
        "follow.md",
    )
    result = build([page])
    assert list(result.spec["paths"]) == ["/groups/{groupId}/drive/items/{itemId}/follow"]
    braces = [d for d in result.diagnostics if d.code == "path-braces"]
    assert braces and braces[0].source == "follow.md" and braces[0].line == 12
