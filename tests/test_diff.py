"""`apigen diff`: every check on a small spec pair, then bump, renderers, changelog and fail-on.

Each case starts from one valid Graph-style spec (``base_spec``), edits the old and/or the new
copy, checks both still validate, and asserts exactly which checks fire.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from openapi_spec_validator import validate

from generator.diff import (
    CHECKS,
    Change,
    DiffReport,
    checks_markdown_table,
    diff_specs,
    next_version,
    render_changelog,
    render_json,
    render_markdown,
    render_text,
    should_fail,
)
from generator.errors import InputError

Spec = dict[str, Any]
Edit = Callable[[Spec], None]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def base_spec() -> Spec:
    """A minimal valid spec in Graph's shape: entity base, allOf subclass, evolvable enum."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Learning",
            "version": "1.0.0",
            "description": "Viva learning.",
        },
        "servers": [
            {"url": "https://graph.microsoft.com/v1.0"},
            {"url": "https://graph.microsoft.com/beta"},
        ],
        "security": [{"oauth": ["LearningContent.Read.All"]}],
        "paths": {
            "/courses": {
                "get": {
                    "operationId": "courses.list",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": ref("course")}
                                }
                            },
                        }
                    },
                }
            },
            "/courses/{courseId}": {
                "parameters": [
                    {
                        "name": "courseId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "get": {
                    "operationId": "courses.get",
                    "summary": "Get a course",
                    "parameters": [
                        {
                            "name": "$select",
                            "in": "query",
                            "required": False,
                            "description": "Properties to return.",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": ref("course")}},
                        },
                        "404": {"description": "Not found"},
                    },
                },
                "patch": {
                    "operationId": "courses.update",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": ref("courseUpdate")}
                        },
                    },
                    "responses": {"204": {"description": "No Content"}},
                },
            },
        },
        "components": {
            "schemas": {
                "entity": {
                    "type": "object",
                    "properties": {"id": {"type": "string", "readOnly": True}},
                },
                "course": {
                    "allOf": [
                        ref("entity"),
                        {
                            "type": "object",
                            "required": ["title"],
                            "properties": {
                                "@odata.type": {"type": "string"},
                                "title": {
                                    "type": "string",
                                    "maxLength": 100,
                                    "description": "Course title.",
                                },
                                "status": {
                                    "anyOf": [
                                        ref("courseStatus"),
                                        {"type": "object", "nullable": True},
                                    ]
                                },
                                "kind": ref("courseKind"),
                                "rank": {
                                    "type": "integer",
                                    "format": "int32",
                                    "minimum": -2147483648,
                                    "maximum": 2147483647,
                                },
                                "score": {"type": "number"},
                                "tags": {"type": "array", "items": {"type": "string"}},
                                "startedDateTime": {
                                    "type": "string",
                                    "format": "date-time",
                                    "nullable": True,
                                },
                                "owner": {"allOf": [ref("person")], "nullable": True},
                            },
                        },
                    ],
                    "discriminator": {
                        "propertyName": "@odata.type",
                        "mapping": {
                            "#microsoft.graph.selfCourse": "#/components/schemas/selfCourse"
                        },
                    },
                },
                "selfCourse": {
                    "allOf": [
                        ref("course"),
                        {
                            "type": "object",
                            "properties": {"selfNote": {"type": "string"}},
                        },
                    ]
                },
                "courseUpdate": {
                    "type": "object",
                    "required": ["title"],
                    "properties": {
                        "title": {"type": "string", "maxLength": 100, "minLength": 1},
                        "status": ref("courseStatus"),
                        "priority": {"type": "string", "enum": ["low", "high"]},
                        "note": {
                            "type": "string",
                            "nullable": True,
                            "pattern": "^[a-z]*$",
                        },
                        "percent": {
                            "type": "integer",
                            "format": "int32",
                            "minimum": 0,
                            "maximum": 100,
                        },
                        "language": {"type": "string", "default": "en"},
                        "tags": {
                            "type": "array",
                            "items": {"type": "string"},
                            "minItems": 1,
                            "maxItems": 10,
                        },
                    },
                },
                "courseStatus": {
                    "type": "string",
                    "enum": [
                        "notStarted",
                        "inProgress",
                        "completed",
                        "unknownFutureValue",
                    ],
                },
                "courseKind": {"type": "string", "enum": ["internal", "external"]},
                "person": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                },
            },
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "https://login.example/authorize",
                            "tokenUrl": "https://login.example/token",
                            "scopes": {"LearningContent.Read.All": "Read courses"},
                        }
                    },
                }
            },
        },
    }


# Paths into the base spec, for the edits below.
CU = ("components", "schemas", "courseUpdate")
CUP = CU + ("properties",)
CO = ("components", "schemas", "course", "allOf", 1)
COP = CO + ("properties",)
SCHEMAS = ("components", "schemas")
ITEM = ("paths", "/courses/{courseId}")
GET = ITEM + ("get",)
PATCH = ITEM + ("patch",)
SEL = GET + ("parameters", 0)


def _parent(spec: Spec, path: Sequence[Any]) -> Any:
    node: Any = spec
    for key in path[:-1]:
        node = node[key]
    return node


def S(path: Sequence[Any], value: Any) -> Edit:
    """Set ``value`` at ``path`` (a deep copy, so cases never share objects)."""

    def edit(spec: Spec) -> None:
        _parent(spec, path)[path[-1]] = copy.deepcopy(value)

    return edit


def D(path: Sequence[Any]) -> Edit:
    """Delete the key or list item at ``path``."""

    def edit(spec: Spec) -> None:
        del _parent(spec, path)[path[-1]]

    return edit


def A(path: Sequence[Any], value: Any) -> Edit:
    """Append ``value`` to the list at ``path``."""

    def edit(spec: Spec) -> None:
        node: Any = spec
        for key in path:
            node = node[key]
        node.append(copy.deepcopy(value))

    return edit


def F(fn: Callable[[Spec], None]) -> Edit:
    return fn


def make_pair(old: Sequence[Edit] = (), new: Sequence[Edit] = ()) -> tuple[Spec, Spec]:
    """Two copies of the base spec with edits applied; both must still be valid OpenAPI."""
    old_spec, new_spec = base_spec(), base_spec()
    for edit in old:
        edit(old_spec)
    for edit in new:
        edit(new_spec)
    validate(old_spec)
    validate(new_spec)
    return old_spec, new_spec


def run(old: Sequence[Edit] = (), new: Sequence[Edit] = ()) -> DiffReport:
    return diff_specs(*make_pair(old, new))


def rename_path(spec: Spec) -> None:
    item = spec["paths"].pop("/courses/{courseId}")
    item["parameters"][0]["name"] = "id"
    spec["paths"]["/courses/{id}"] = item


@dataclass(frozen=True)
class Case:
    check_id: str
    new: Sequence[Edit] = ()
    old: Sequence[Edit] = ()
    also: frozenset[str] = field(
        default_factory=frozenset
    )  # other checks the edit must fire
    pointer: str | None = None


APIKEY = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
HEADER = {
    "name": "ConsistencyLevel",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
}
JSON_COURSE = {"schema": ref("course")}

CASES: list[Case] = [
    # API-wide
    Case(
        "api-version-changed",
        new=[S(("info", "version"), "1.1.0")],
        pointer="/info/version",
    ),
    Case(
        "description-changed",
        new=[S(COP + ("title", "description"), "The title.")],
        pointer="/components/schemas/course/allOf/1/properties/title/description",
    ),
    Case("example-changed", new=[S(CUP + ("title", "example"), "Intro")]),
    Case(
        "default-server-changed",
        new=[S(("servers", 0, "url"), "https://graph.microsoft.us/v1.0")],
        pointer="/servers/0",
    ),
    Case("server-added", new=[A(("servers",), {"url": "https://graph.example/v2"})]),
    Case("server-removed", new=[D(("servers", 1))]),
    # security
    Case("security-added", old=[D(("security",))], pointer="/security"),
    Case("security-removed", new=[D(("security",))]),
    Case(
        "security-alternative-added",
        new=[
            S(("components", "securitySchemes", "key"), APIKEY),
            A(("security",), {"key": []}),
        ],
        also=frozenset({"security-scheme-added"}),
    ),
    Case(
        "security-alternative-removed",
        new=[
            S(
                ("security", 0, "oauth"),
                ["LearningContent.Read.All", "LearningContent.ReadWrite.All"],
            )
        ],
        also=frozenset({"security-alternative-added"}),
    ),
    Case(
        "security-scheme-added",
        new=[S(("components", "securitySchemes", "key"), APIKEY)],
    ),
    Case(
        "security-scheme-removed",
        old=[S(("components", "securitySchemes", "key"), APIKEY)],
    ),
    Case(
        "security-scheme-changed",
        new=[
            S(
                (
                    "components",
                    "securitySchemes",
                    "oauth",
                    "flows",
                    "authorizationCode",
                    "tokenUrl",
                ),
                "https://login.example/v2/token",
            )
        ],
    ),
    # paths and operations
    Case(
        "path-added",
        new=[
            S(
                ("paths", "/people"),
                {"get": {"responses": {"200": {"description": "OK"}}}},
            )
        ],
        pointer="/paths/~1people",
    ),
    Case("path-removed", new=[D(("paths", "/courses"))], pointer="/paths/~1courses"),
    Case(
        "path-parameter-renamed", new=[F(rename_path)], pointer="/paths/~1courses~1{id}"
    ),
    Case(
        "operation-added",
        new=[
            S(ITEM + ("delete",), {"responses": {"204": {"description": "No Content"}}})
        ],
        pointer="/paths/~1courses~1{courseId}/delete",
    ),
    Case(
        "operation-removed",
        new=[D(PATCH)],
        pointer="/paths/~1courses~1{courseId}/patch",
    ),
    Case("operation-id-changed", new=[S(GET + ("operationId",), "courses.read")]),
    Case("operation-id-removed", new=[D(GET + ("operationId",))]),
    Case("operation-id-added", old=[D(GET + ("operationId",))]),
    Case("operation-deprecated", new=[S(GET + ("deprecated",), True)]),
    Case("undeprecated", old=[S(GET + ("deprecated",), True)]),
    # parameters
    Case("parameter-removed", new=[D(GET + ("parameters",))]),
    Case("required-parameter-added", new=[A(GET + ("parameters",), HEADER)]),
    Case(
        "optional-parameter-added",
        new=[
            A(
                GET + ("parameters",),
                {"name": "$top", "in": "query", "schema": {"type": "integer"}},
            )
        ],
    ),
    Case("parameter-location-changed", new=[S(SEL + ("in",), "header")]),
    Case("parameter-became-required", new=[S(SEL + ("required",), True)]),
    Case("parameter-became-optional", old=[S(SEL + ("required",), True)]),
    Case("parameter-deprecated", new=[S(SEL + ("deprecated",), True)]),
    # request bodies
    Case("required-request-body-added", old=[D(PATCH + ("requestBody",))]),
    Case(
        "optional-request-body-added",
        old=[D(PATCH + ("requestBody",))],
        new=[S(PATCH + ("requestBody", "required"), False)],
    ),
    Case("request-body-removed", new=[D(PATCH + ("requestBody",))]),
    Case(
        "request-body-became-required",
        old=[S(PATCH + ("requestBody", "required"), False)],
    ),
    Case(
        "request-body-became-optional",
        new=[S(PATCH + ("requestBody", "required"), False)],
    ),
    Case(
        "request-media-type-added",
        new=[
            S(
                PATCH + ("requestBody", "content", "application/merge-patch+json"),
                {"schema": ref("courseUpdate")},
            )
        ],
    ),
    Case(
        "request-media-type-removed",
        old=[
            S(
                PATCH + ("requestBody", "content", "application/merge-patch+json"),
                {"schema": ref("courseUpdate")},
            )
        ],
    ),
    # responses
    Case(
        "response-success-status-added",
        new=[S(GET + ("responses", "202"), {"description": "Accepted"})],
    ),
    Case(
        "response-success-status-removed",
        old=[S(GET + ("responses", "203"), {"description": "Cached"})],
        pointer="/paths/~1courses~1{courseId}/get/responses/203",
    ),
    Case(
        "response-error-status-added",
        new=[S(GET + ("responses", "429"), {"description": "Throttled"})],
    ),
    Case("response-error-status-removed", new=[D(GET + ("responses", "404"))]),
    Case(
        "response-media-type-added",
        new=[S(GET + ("responses", "200", "content", "application/xml"), JSON_COURSE)],
    ),
    Case(
        "response-media-type-removed",
        old=[S(GET + ("responses", "200", "content", "application/xml"), JSON_COURSE)],
    ),
    # components
    Case("schema-added", new=[S(SCHEMAS + ("badge",), {"type": "object"})]),
    Case(
        "schema-removed",
        old=[S(SCHEMAS + ("badge",), {"type": "object"})],
        pointer="/components/schemas/badge",
    ),
    Case("schema-deprecated", new=[S(SCHEMAS + ("person", "deprecated"), True)]),
    Case(
        "schema-ref-changed",
        new=[S(COP + ("kind",), ref("courseStatus"))],
        pointer="/components/schemas/course/allOf/1/properties/kind",
    ),
    Case(
        "base-added",
        new=[
            S(
                SCHEMAS + ("person",),
                {
                    "allOf": [
                        ref("entity"),
                        {"type": "object", "properties": {"name": {"type": "string"}}},
                    ]
                },
            )
        ],
        also=frozenset({"response-property-added"}),  # person gains entity's id
    ),
    Case(
        "base-removed",
        new=[
            S(
                SCHEMAS + ("selfCourse",),
                {"type": "object", "properties": {"selfNote": {"type": "string"}}},
            )
        ],
        also=frozenset(
            {"response-property-removed"}
        ),  # every field inherited from course
    ),
    Case(
        "base-changed",
        new=[S(SCHEMAS + ("selfCourse", "allOf", 0), ref("person"))],
        also=frozenset({"response-property-removed", "response-property-added"}),
    ),
    Case(
        "discriminator-changed",
        new=[S(SCHEMAS + ("course", "discriminator", "propertyName"), "kind")],
    ),
    Case(
        "discriminator-mapping-added",
        new=[
            S(
                SCHEMAS
                + (
                    "course",
                    "discriminator",
                    "mapping",
                    "#microsoft.graph.otherCourse",
                ),
                "#/components/schemas/selfCourse",
            )
        ],
    ),
    Case(
        "discriminator-mapping-removed",
        new=[S(SCHEMAS + ("course", "discriminator", "mapping"), {})],
    ),
    Case(
        "discriminator-mapping-changed",
        old=[
            S(
                SCHEMAS
                + ("course", "discriminator", "mapping", "#microsoft.graph.selfCourse"),
                "#/components/schemas/course",
            )
        ],
    ),
    # values
    Case("type-changed", new=[S(COP + ("score", "type"), "string")]),
    Case("request-type-widened", new=[S(CUP + ("percent", "type"), "number")]),
    Case("response-type-narrowed", new=[S(COP + ("score", "type"), "integer")]),
    Case(
        "format-changed",
        new=[S(COP + ("rank", "format"), "int64")],
        pointer="/components/schemas/course/allOf/1/properties/rank/format",
    ),
    Case(
        "enum-value-removed",
        new=[
            S(
                SCHEMAS + ("courseStatus", "enum"),
                ["notStarted", "inProgress", "unknownFutureValue"],
            )
        ],
    ),
    Case(
        "request-enum-value-added",
        new=[S(CUP + ("priority", "enum"), ["low", "medium", "high"])],
    ),
    Case(
        "response-enum-value-added",
        new=[S(SCHEMAS + ("courseKind", "enum"), ["internal", "external", "partner"])],
    ),
    Case(
        "response-evolvable-enum-value-added",
        old=[
            S(
                SCHEMAS + ("courseKind", "enum"),
                ["internal", "external", "unknownFutureValue"],
            )
        ],
        new=[
            S(
                SCHEMAS + ("courseKind", "enum"),
                ["internal", "external", "unknownFutureValue", "partner"],
            )
        ],
    ),
    Case("became-enum", new=[S(CUP + ("language", "enum"), ["en", "fr"])]),
    Case("request-enum-removed", new=[D(CUP + ("priority", "enum"))]),
    Case("response-enum-removed", new=[D(SCHEMAS + ("courseKind", "enum"))]),
    Case("request-became-nullable", new=[S(CUP + ("title", "nullable"), True)]),
    Case("request-became-not-nullable", new=[D(CUP + ("note", "nullable"))]),
    Case("response-became-nullable", new=[S(COP + ("title", "nullable"), True)]),
    Case(
        "response-became-not-nullable", new=[D(COP + ("startedDateTime", "nullable"))]
    ),
    Case(
        "request-constraint-narrowed",
        new=[S(CUP + ("title", "maxLength"), 50)],
        pointer="/components/schemas/courseUpdate/properties/title/maxLength",
    ),
    Case("request-constraint-widened", new=[S(CUP + ("title", "maxLength"), 200)]),
    Case("response-constraint-narrowed", new=[S(COP + ("title", "maxLength"), 50)]),
    Case("response-constraint-widened", new=[S(COP + ("title", "maxLength"), 200)]),
    Case("request-pattern-changed", new=[S(CUP + ("note", "pattern"), "^[a-z0-9]*$")]),
    Case("request-pattern-removed", new=[D(CUP + ("note", "pattern"))]),
    Case("response-pattern-changed", new=[S(COP + ("title", "pattern"), "^.+$")]),
    Case("request-default-changed", new=[S(CUP + ("language", "default"), "fr")]),
    Case("response-default-changed", new=[S(COP + ("score", "default"), 0)]),
    # properties
    Case(
        "request-property-removed",
        new=[D(CUP + ("note",))],
        pointer="/components/schemas/courseUpdate/properties/note",
    ),
    Case("response-property-removed", new=[D(COP + ("score",))]),
    Case(
        "request-required-property-added",
        new=[S(CUP + ("code",), {"type": "string"}), A(CU + ("required",), "code")],
    ),
    Case(
        "request-optional-property-added", new=[S(CUP + ("code",), {"type": "string"})]
    ),
    Case("response-property-added", new=[S(COP + ("code",), {"type": "string"})]),
    Case("request-property-became-required", new=[A(CU + ("required",), "note")]),
    Case("request-property-became-optional", new=[D(CU + ("required",))]),
    Case("response-property-became-required", new=[A(CO + ("required",), "score")]),
    Case("response-property-became-optional", new=[D(CO + ("required",))]),
    Case(
        "request-property-became-read-only", new=[S(CUP + ("note", "readOnly"), True)]
    ),
    Case("request-property-became-writable", old=[S(CUP + ("note", "readOnly"), True)]),
    Case("property-deprecated", new=[S(COP + ("score", "deprecated"), True)]),
]


def test_every_registered_check_has_a_case() -> None:
    assert sorted({c.check_id for c in CASES}) == sorted(CHECKS)
    assert len(CHECKS) >= 40


def test_base_spec_is_valid_and_has_no_changes() -> None:
    report = run()
    assert report.changes == ()
    assert report.bump == "none"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.check_id)
def test_check(case: Case) -> None:
    report = run(case.old, case.new)
    fired = {c.check_id for c in report.changes}
    assert fired == {case.check_id} | case.also, render_text(report)
    mine = [c for c in report.changes if c.check_id == case.check_id]
    assert all(c.level == CHECKS[case.check_id].level for c in mine)
    if case.pointer is not None:
        assert [c.pointer for c in mine] == [case.pointer]
    for change in mine:  # the pointer names a real place on the side it says
        doc = make_pair(case.old, case.new)[0 if change.side == "old" else 1]
        node: Any = doc
        for raw in change.pointer.split("/")[1:]:
            token = raw.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        assert "\n" not in change.message


# ---------------------------------------------------------------- schema semantics


def test_nullable_ref_form_counts_as_nullable_in_responses() -> None:
    report = run(
        new=[
            S(
                COP + ("kind",),
                {"anyOf": [ref("courseKind"), {"type": "object", "nullable": True}]},
            )
        ]
    )
    assert [c.check_id for c in report.changes] == ["response-became-nullable"]


def test_moving_a_property_into_the_base_is_not_a_removal() -> None:
    report = run(
        new=[
            D(COP + ("score",)),
            S(SCHEMAS + ("entity", "properties", "score"), {"type": "number"}),
        ]
    )
    assert [(c.check_id, c.pointer) for c in report.changes] == [
        ("response-property-added", "/components/schemas/entity/properties/score")
    ]


def test_a_base_change_is_reported_once_at_the_base() -> None:
    report = run(new=[S(SCHEMAS + ("entity", "properties", "id", "type"), "integer")])
    assert [(c.check_id, c.pointer) for c in report.changes] == [
        ("type-changed", "/components/schemas/entity/properties/id/type")
    ]


def test_derived_types_of_a_response_schema_are_judged_as_responses() -> None:
    # selfCourse is never referenced directly, but the server may return it for a course.
    report = run(
        new=[
            S(
                SCHEMAS + ("selfCourse", "allOf", 1, "properties", "due"),
                {"type": "string"},
            ),
            S(SCHEMAS + ("selfCourse", "allOf", 1, "required"), ["due"]),
        ]
    )
    assert [c.check_id for c in report.changes] == ["response-property-added"]


def test_unused_schema_is_judged_both_ways() -> None:
    badge = {"type": "object", "properties": {"name": {"type": "string"}}}
    report = run(
        old=[S(SCHEMAS + ("badge",), badge)],
        new=[
            S(SCHEMAS + ("badge",), badge),
            S(SCHEMAS + ("badge", "required"), ["level"]),
            S(SCHEMAS + ("badge", "properties", "level"), {"type": "integer"}),
        ],
    )
    assert [c.check_id for c in report.changes] == ["request-required-property-added"]


def test_schema_used_both_ways_reports_the_severer_verdict() -> None:
    # courseStatus is used by courseUpdate (request) and course (response): a nullable
    # change is breaking for responses, so that verdict wins.
    report = run(new=[S(SCHEMAS + ("courseStatus", "nullable"), True)])
    assert [c.check_id for c in report.changes] == ["response-became-nullable"]


def test_required_read_only_property_added_to_a_request_schema_is_not_breaking() -> (
    None
):
    report = run(
        new=[
            S(
                CUP + ("createdDateTime",),
                {"type": "string", "format": "date-time", "readOnly": True},
            ),
            A(CU + ("required",), "createdDateTime"),
        ]
    )
    assert report.breaking == ()
    assert [c.check_id for c in report.changes] == ["response-property-added"]


def test_inline_schema_against_ref_compares_the_resolved_shape() -> None:
    inline_kind = {"type": "string", "enum": ["internal", "external", "partner"]}
    report = run(new=[S(COP + ("kind",), inline_kind)])
    assert {c.check_id for c in report.changes} == {"response-enum-value-added"}


def test_recursive_schemas_terminate_and_changes_are_found() -> None:
    manager = {"allOf": [ref("person")], "nullable": True}
    report = run(
        old=[S(SCHEMAS + ("person", "properties", "manager"), manager)],
        new=[
            S(SCHEMAS + ("person", "properties", "manager"), manager),
            S(SCHEMAS + ("person", "properties", "name", "maxLength"), 10),
        ],
    )
    assert [c.check_id for c in report.changes] == ["response-constraint-narrowed"]


def test_integer_bounds_and_flags() -> None:
    report = run(
        new=[
            S(CUP + ("percent", "minimum"), 1),
            S(CUP + ("percent", "exclusiveMaximum"), True),
            S(CUP + ("tags", "uniqueItems"), True),
            S(CUP + ("percent", "multipleOf"), 5),
        ]
    )
    assert [(c.check_id, c.pointer.rsplit("/", 1)[-1]) for c in report.changes] == [
        ("request-constraint-narrowed", "exclusiveMaximum"),
        ("request-constraint-narrowed", "minimum"),
        ("request-constraint-narrowed", "multipleOf"),
        ("request-constraint-narrowed", "uniqueItems"),
    ]


def test_external_ref_is_an_input_error_with_pointer() -> None:
    old, new = make_pair()
    new["components"]["schemas"]["course"]["allOf"][0] = {"$ref": "other.yaml#/entity"}
    with pytest.raises(InputError) as info:
        diff_specs(old, new)
    assert "only local $refs" in str(info.value)
    assert info.value.pointer is not None


def test_dangling_ref_is_an_input_error() -> None:
    old, new = make_pair()
    new["paths"]["/courses"]["get"]["responses"]["200"] = {
        "$ref": "#/components/responses/missing"
    }
    with pytest.raises(InputError, match="does not resolve"):
        diff_specs(old, new)


# ---------------------------------------------------------------- report, bump, order


def test_changes_are_sorted_by_pointer_then_check_id() -> None:
    report = run(
        new=[
            D(("paths", "/courses")),
            S(("info", "version"), "2.0.0"),
            S(CUP + ("title", "maxLength"), 50),
            S(CUP + ("title", "minLength"), 2),
        ]
    )
    keys = [(c.pointer, c.check_id) for c in report.changes]
    assert keys == sorted(keys)
    assert len(keys) == 4
    assert diff_specs(*make_pair(new=[D(("paths", "/courses"))])) == diff_specs(
        *make_pair(new=[D(("paths", "/courses"))])
    )


@pytest.mark.parametrize(
    ("edits", "bump"),
    [
        ([], "none"),
        ([S(("info", "version"), "1.0.1")], "patch"),
        ([S(COP + ("title", "description"), "x")], "patch"),
        ([S(COP + ("code",), {"type": "string"})], "minor"),
        ([S(GET + ("deprecated",), True)], "minor"),
        ([S(COP + ("code",), {"type": "string"}), D(("paths", "/courses"))], "major"),
    ],
)
def test_bump(edits: list[Edit], bump: str) -> None:
    assert run(new=edits).bump == bump


def test_report_partitions_by_level() -> None:
    report = run(
        new=[
            D(("paths", "/courses")),
            S(COP + ("code",), {"type": "string"}),
            S(("info", "version"), "2"),
        ]
    )
    assert [c.check_id for c in report.breaking] == ["path-removed"]
    assert [c.check_id for c in report.non_breaking] == ["response-property-added"]
    assert [c.check_id for c in report.info] == ["api-version-changed"]
    assert report.counts == {"breaking": 1, "non-breaking": 1, "info": 1}


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2.3", "none", "1.2.3"),
        ("v1.2", "minor", "1.3.0"),
        ("0.4.2", "major", "0.5.0"),
        ("0.4.2", "minor", "0.4.3"),
        ("0.4.2", "patch", "0.4.3"),
    ],
)
def test_next_version(current: str, bump: Any, expected: str) -> None:
    assert next_version(current, bump) == expected


@pytest.mark.parametrize("bad", ["1.0.0-beta.1", "1", "one.two.three", "1.02.3"])
def test_next_version_refuses_what_it_cannot_bump(bad: str) -> None:
    with pytest.raises(InputError):
        next_version(bad, "minor")


def test_should_fail() -> None:
    breaking = run(new=[D(("paths", "/courses"))])
    additive = run(new=[S(COP + ("code",), {"type": "string"})])
    empty = run()
    assert should_fail(breaking, "breaking") and should_fail(breaking, "any")
    assert not should_fail(additive, "breaking") and should_fail(additive, "any")
    assert not should_fail(empty, "any")
    assert not should_fail(breaking, "none")
    with pytest.raises(InputError):
        should_fail(breaking, "sometimes")  # type: ignore[arg-type]


# ---------------------------------------------------------------- renderers


def _sample() -> DiffReport:
    return run(
        new=[
            D(("paths", "/courses")),
            S(COP + ("code",), {"type": "string"}),
            S(GET + ("deprecated",), True),
        ]
    )


def test_render_text() -> None:
    text = render_text(_sample())
    lines = text.splitlines()
    assert lines[-1] == "3 changes (1 breaking, 2 non-breaking, 0 info); bump: major"
    assert (
        "breaking     path-removed: path /courses removed [old /paths/~1courses]"
        in lines
    )
    assert render_text(run()) == "No changes; bump: none\n"


def test_render_json_is_stable_and_documented() -> None:
    text = render_json(_sample())
    data = json.loads(text)
    assert list(data) == ["bump", "changes", "summary"]
    assert data["bump"] == "major"
    assert data["summary"] == {"breaking": 1, "info": 0, "non-breaking": 2, "total": 3}
    assert set(data["changes"][0]) == {
        "check_id",
        "level",
        "message",
        "pointer",
        "side",
    }
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_render_markdown_escapes_spec_text() -> None:
    hostile = "a|b`c*d"
    report = run(new=[S(COP + (hostile,), {"type": "string"})])
    md = render_markdown(report)
    row = md.splitlines()[-1]
    assert row.count(" | ") == 3  # the pipe in the name did not open a new cell
    assert "a\\|b\\`c\\*d" in row
    assert md.startswith(
        "**API changes:** 1 change (0 breaking, 1 non-breaking, 0 info); bump: minor\n"
    )
    assert render_markdown(run()) == "**API changes:** none (bump: none)\n"


def test_render_changelog_groups_breaking_first() -> None:
    log = render_changelog(_sample(), "2.0.0")
    assert log.splitlines()[0] == "## 2.0.0"
    headings = [line for line in log.splitlines() if line.startswith("### ")]
    assert headings == ["### Breaking changes", "### Added", "### Deprecated"]
    assert "- path /courses removed" in log
    assert render_changelog(run(), "1.0.1") == "## 1.0.1\n\nNo changes to the API.\n"


def test_checks_markdown_table_lists_every_check_once() -> None:
    table = checks_markdown_table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(CHECKS)
    assert {row.split("`")[1] for row in rows} == set(CHECKS)
    assert rows[0].split(" | ")[1] == "breaking"


def test_change_is_frozen() -> None:
    change = Change("path-removed", "breaking", "/paths/~1a", "gone", "old")
    with pytest.raises(AttributeError):
        change.message = "x"  # type: ignore[misc]


# ---------------------------------------------------------------- against oasdiff's documentation
#
# oasdiff documents (docs/BREAKING-CHANGES-EXAMPLES.md, generated from its tests) which kinds
# of change it counts as breaking. These are our own spec pairs for the same kinds of change;
# `differs` says why apigen deliberately judges otherwise (it judges for SDK callers).


@dataclass(frozen=True)
class OasdiffCase:
    kind: str
    oasdiff_breaking: bool
    new: Sequence[Edit] = ()
    old: Sequence[Edit] = ()
    differs: str | None = None


OPTIONAL_HEADER = dict(HEADER, required=False)

OASDIFF_CASES = [
    OasdiffCase("path deleted", True, new=[D(("paths", "/courses"))]),
    OasdiffCase("operation deleted", True, new=[D(PATCH)]),
    OasdiffCase(
        "new required request body property",
        True,
        new=[S(CUP + ("code",), {"type": "string"}), A(CU + ("required",), "code")],
    ),
    OasdiffCase(
        "pattern added to a request property",
        True,
        new=[S(CUP + ("title", "pattern"), "^x")],
    ),
    OasdiffCase("required request body added", True, old=[D(PATCH + ("requestBody",))]),
    OasdiffCase(
        "request property made not nullable", True, new=[D(CUP + ("note", "nullable"))]
    ),
    OasdiffCase(
        "response property made nullable",
        True,
        new=[S(COP + ("title", "nullable"), True)],
    ),
    OasdiffCase(
        "header parameter optional to required",
        True,
        old=[A(GET + ("parameters",), OPTIONAL_HEADER)],
        new=[A(GET + ("parameters",), HEADER)],
    ),
    OasdiffCase(
        "request property optional to required",
        True,
        new=[A(CU + ("required",), "note")],
    ),
    OasdiffCase(
        "response property required to optional", True, new=[D(CO + ("required",))]
    ),
    OasdiffCase(
        "request maxLength reduced", True, new=[S(CUP + ("title", "maxLength"), 10)]
    ),
    OasdiffCase(
        "request minItems increased", True, new=[S(CUP + ("tags", "minItems"), 2)]
    ),
    OasdiffCase(
        "request property type string to number",
        True,
        new=[S(CUP + ("note", "type"), "number")],
    ),
    OasdiffCase(
        "response property type string to number",
        True,
        new=[S(COP + ("title", "type"), "number")],
    ),
    OasdiffCase(
        "response media type deleted",
        True,
        old=[S(GET + ("responses", "200", "content", "application/xml"), JSON_COURSE)],
    ),
    OasdiffCase(
        "request media type deleted",
        True,
        old=[
            S(
                PATCH + ("requestBody", "content", "text/plain"),
                {"schema": {"type": "string"}},
            )
        ],
    ),
    OasdiffCase(
        "success status removed",
        True,
        old=[S(GET + ("responses", "203"), {"description": "x"})],
    ),
    OasdiffCase(
        "enum value deleted", True, new=[S(CUP + ("priority", "enum"), ["low"])]
    ),
    OasdiffCase(
        "new required header parameter", True, new=[A(GET + ("parameters",), HEADER)]
    ),
    OasdiffCase(
        "request body optional to required",
        True,
        old=[S(PATCH + ("requestBody", "required"), False)],
    ),
    OasdiffCase(
        "default of an optional request parameter changed",
        True,
        old=[S(SEL + ("schema", "default"), "id")],
        new=[S(SEL + ("schema", "default"), "title")],
    ),
    OasdiffCase(
        "response maxLength increased", True, new=[S(COP + ("title", "maxLength"), 500)]
    ),
    OasdiffCase(
        "enum value added to a request property",
        False,
        new=[S(CUP + ("priority", "enum"), ["low", "high", "urgent"])],
    ),
    OasdiffCase(
        "required property added to a response",
        False,
        new=[S(COP + ("code",), {"type": "string"}), A(CO + ("required",), "code")],
    ),
    OasdiffCase(
        "optional request body added",
        False,
        old=[D(PATCH + ("requestBody",))],
        new=[S(PATCH + ("requestBody", "required"), False)],
    ),
    OasdiffCase(
        "servers changed",
        False,
        new=[S(("servers", 0, "url"), "https://graph.example/v1.0")],
    ),
    OasdiffCase(
        "response maxLength reduced", False, new=[S(COP + ("title", "maxLength"), 10)]
    ),
    OasdiffCase(
        "request maxLength increased", False, new=[S(CUP + ("title", "maxLength"), 500)]
    ),
    OasdiffCase("request minItems reduced", False, new=[D(CUP + ("tags", "minItems"))]),
    OasdiffCase(
        "request type integer to number",
        False,
        new=[S(CUP + ("percent", "type"), "number")],
    ),
    OasdiffCase(
        "response type number to integer",
        False,
        new=[S(COP + ("score", "type"), "integer")],
    ),
    OasdiffCase("pattern deleted", False, new=[D(CUP + ("note", "pattern"))]),
    OasdiffCase(
        "new optional header parameter",
        False,
        new=[A(GET + ("parameters",), OPTIONAL_HEADER)],
    ),
    OasdiffCase("error response removed", False, new=[D(GET + ("responses", "404"))]),
    OasdiffCase("parameter deprecated", False, new=[S(SEL + ("deprecated",), True)]),
    OasdiffCase(
        "schema deprecated", False, new=[S(SCHEMAS + ("person", "deprecated"), True)]
    ),
    OasdiffCase(
        "description changed", False, new=[S(GET + ("summary",), "Read a course")]
    ),
    OasdiffCase(
        "required read-only property added to a request body",
        False,
        new=[
            S(CUP + ("etag",), {"type": "string", "readOnly": True}),
            A(CU + ("required",), "etag"),
        ],
    ),
    OasdiffCase(
        "enum value added to a response property (extensible enum)",
        False,
        old=[S(SCHEMAS + ("courseKind", "enum"), ["a", "unknownFutureValue"])],
        new=[S(SCHEMAS + ("courseKind", "enum"), ["a", "unknownFutureValue", "b"])],
    ),
    OasdiffCase(
        "operationId changed",
        False,
        new=[S(GET + ("operationId",), "courses.read")],
        differs="the SDK method is named after the operationId",
    ),
    OasdiffCase(
        "path parameter renamed",
        False,
        new=[F(rename_path)],
        differs="Python callers pass path parameters by keyword",
    ),
    OasdiffCase(
        "schema removed from components",
        False,
        old=[S(SCHEMAS + ("badge",), {"type": "object"})],
        differs="every schema is an exported SDK model (oasdiff only flags it as an opt-in check)",
    ),
    OasdiffCase(
        "enum value added to a response property (plain enum)",
        False,
        new=[S(SCHEMAS + ("courseKind", "enum"), ["internal", "external", "partner"])],
        differs="a non-evolvable SDK enum rejects the new value; oasdiff reports it at info level",
    ),
]


@pytest.mark.parametrize("case", OASDIFF_CASES, ids=lambda c: c.kind)
def test_verdict_against_oasdiff_documentation(case: OasdiffCase) -> None:
    report = run(case.old, case.new)
    assert report.changes, "the pair must differ"
    ours = bool(report.breaking)
    expected = (
        case.oasdiff_breaking if case.differs is None else not case.oasdiff_breaking
    )
    assert ours == expected, render_text(report)


def test_oasdiff_comparison_agreement_count() -> None:
    agree = sum(1 for c in OASDIFF_CASES if c.differs is None)
    assert (agree, len(OASDIFF_CASES)) == (39, 43)


def test_each_child_that_loses_a_base_reports_its_lost_fields() -> None:
    live = {
        "allOf": [
            ref("course"),
            {"type": "object", "properties": {"live": {"type": "boolean"}}},
        ]
    }
    plain = {"type": "object", "properties": {"selfNote": {"type": "string"}}}
    report = run(
        old=[S(SCHEMAS + ("liveCourse",), live)],
        new=[
            S(
                SCHEMAS + ("liveCourse",),
                dict(plain, properties={"live": {"type": "boolean"}}),
            ),
            S(SCHEMAS + ("selfCourse",), plain),
        ],
    )
    lost_title = [
        c.message
        for c in report.changes
        if c.message.endswith('property "title" removed')
    ]
    assert lost_title == [
        'schema "liveCourse" property "title" removed',
        'schema "selfCourse" property "title" removed',
    ]


# ---------------------------------------------------------------- partial update bodies

BODY = PATCH + ("requestBody", "content", "application/json", "schema")


def _partial_course() -> dict[str, Any]:
    from generator.spec.partial import partial_view

    view = partial_view("#/components/schemas/course", base_spec()["components"]["schemas"])
    assert view is not None and "required" not in view
    return view


def test_an_update_body_becoming_a_partial_view_only_loosens_the_request() -> None:
    report = run(old=[S(BODY, ref("course"))], new=[S(BODY, _partial_course())])
    changes = [(c.check_id, c.level, c.pointer.rsplit("/", 2)[-2:]) for c in report.changes]
    assert ("request-property-became-optional", "non-breaking", ["properties", "title"]) in changes
    assert not [c for c in report.changes if c.level == "breaking"]
    assert {c.check_id for c in report.changes} <= {
        "request-property-became-optional",
        "description-changed",
    }


def test_a_partial_view_back_to_the_entity_is_a_breaking_tightening() -> None:
    report = run(old=[S(BODY, _partial_course())], new=[S(BODY, ref("course"))])
    assert [(c.check_id, c.level) for c in report.changes if c.level == "breaking"] == [
        ("request-property-became-required", "breaking")
    ]


def test_two_partial_views_compare_as_their_entities() -> None:
    report = run(old=[S(BODY, _partial_course())], new=[S(BODY, _partial_course())])
    assert not report.changes
