"""The generated models and validators, used as an SDK user would use them.

Runs against the committed golden SDKs: generated/seed (from the seed page) and
tests/golden/edge/sdk (a hand-written spec with the shapes the seed lacks).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

SEED_BODY: dict[str, Any] = {
    "@odata.type": "#microsoft.graph.learningSelfInitiatedCourse",
    "externalcourseActivityId": "ext-1",
    "learningProviderId": "prov-1",
    "learningContentId": "content-1",
    "learnerUserId": "user-1",
    "status": "inProgress",
    "completedDateTime": "2024-03-01T10:00:00Z",
    "completionPercentage": 40,
    "startedDateTime": "2024-02-01T09:30:00+01:00",
}


# -- inheritance and @odata.type --------------------------------------------------------


def test_subtype_is_a_real_subclass_of_its_base(seed_sdk: Any) -> None:
    assert issubclass(seed_sdk.LearningSelfInitiatedCourse, seed_sdk.LearningCourseActivity)
    assert "started_date_time" not in seed_sdk.LearningCourseActivity._BY_ATTR
    assert "started_date_time" in seed_sdk.LearningSelfInitiatedCourse._BY_ATTR


@pytest.mark.parametrize(
    "odata_type",
    [
        "#microsoft.graph.learningSelfInitiatedCourse",
        "microsoft.graph.learningSelfInitiatedCourse",
        "#MICROSOFT.GRAPH.LEARNINGSELFINITIATEDCOURSE",
    ],
)
def test_base_from_dict_returns_the_subtype_named_by_odata_type(seed_sdk: Any, odata_type: str) -> None:
    model = seed_sdk.LearningCourseActivity.from_dict({**SEED_BODY, "@odata.type": odata_type})
    assert type(model) is seed_sdk.LearningSelfInitiatedCourse
    assert model.started_date_time == datetime(2024, 2, 1, 8, 30, tzinfo=UTC)


def test_unknown_odata_type_falls_back_to_the_class_asked_for(seed_sdk: Any) -> None:
    model = seed_sdk.LearningCourseActivity.from_dict({"@odata.type": "#microsoft.graph.somethingNew"})
    assert type(model) is seed_sdk.LearningCourseActivity


def test_to_dict_writes_the_subtype_odata_type_first(seed_sdk: Any) -> None:
    course = seed_sdk.LearningSelfInitiatedCourse(learner_user_id="u")
    assert list(course.to_dict()) == ["@odata.type", "learnerUserId"]
    assert course.to_dict()["@odata.type"] == "#microsoft.graph.learningSelfInitiatedCourse"


def test_three_level_family_dispatches_to_the_deepest_type(edge_sdk: Any) -> None:
    gadget = edge_sdk.Entity.from_dict({"@odata.type": "#example.gadget", "voltage": 12, "displayName": "g"})
    assert type(gadget) is edge_sdk.Gadget
    assert isinstance(gadget, edge_sdk.Thing)
    thing = edge_sdk.Thing.from_dict({"@odata.type": "#example.thing", "displayName": "t"})
    assert type(thing) is edge_sdk.Thing


# -- partial updates ----------------------------------------------------------------------


def test_a_model_built_by_the_caller_serialises_only_the_fields_set(seed_sdk: Any) -> None:
    course = seed_sdk.LearningSelfInitiatedCourse(completion_percentage=75, learning_provider_id=None)
    assert course.to_patch_dict() == {
        "@odata.type": "#microsoft.graph.learningSelfInitiatedCourse",
        "learningProviderId": None,
        "completionPercentage": 75,
    }
    assert course.learner_user_id is seed_sdk.UNSET


def test_a_model_read_then_changed_sends_only_what_changed(seed_sdk: Any) -> None:
    course = seed_sdk.LearningSelfInitiatedCourse.from_dict(SEED_BODY)
    assert course.changed_fields == frozenset()
    course.completion_percentage = 100
    course.status = seed_sdk.CourseStatus.COMPLETED
    course.externalcourse_activity_id = None
    assert course.to_patch_dict() == {
        "@odata.type": "#microsoft.graph.learningSelfInitiatedCourse",
        "externalcourseActivityId": None,
        "status": "completed",
        "completionPercentage": 100,
    }
    course.mark_unchanged()
    assert course.to_patch_dict() == {"@odata.type": "#microsoft.graph.learningSelfInitiatedCourse"}


def test_nested_model_changed_in_place_is_sent_whole(edge_sdk: Any) -> None:
    thing = edge_sdk.Thing.from_dict({"displayName": "t", "dimensions": {"width": 1.0, "height": 2.0}})
    thing.dimensions.width = 3.0
    assert thing.to_patch_dict() == {"@odata.type": "#example.thing", "dimensions": {"width": 3.0, "height": 2.0}}


def test_read_only_fields_are_read_but_never_sent(edge_sdk: Any) -> None:
    thing = edge_sdk.Thing.from_dict({"id": "t1", "createdDateTime": "2024-01-01T00:00:00Z", "displayName": "x"})
    assert thing.id == "t1"
    assert thing.created_date_time == datetime(2024, 1, 1, tzinfo=UTC)
    thing.id = "t2"
    thing.display_name = "y"
    assert thing.to_patch_dict() == {"@odata.type": "#example.thing", "displayName": "y"}
    assert "id" not in thing.to_dict(include_read_only=False)
    assert thing.to_dict()["id"] == "t2"


# -- round trips ------------------------------------------------------------------------------


def test_unknown_properties_survive_a_round_trip(seed_sdk: Any) -> None:
    data = {**SEED_BODY, "@odata.etag": 'W/"1"', "newServiceField": {"nested": [1, 2]}}
    model = seed_sdk.LearningCourseActivity.from_dict(data)
    assert model.additional_data == {"@odata.etag": 'W/"1"', "newServiceField": {"nested": [1, 2]}}
    out = model.to_dict()
    assert out["@odata.etag"] == 'W/"1"' and out["newServiceField"] == {"nested": [1, 2]}
    assert json.loads(json.dumps(out)) == out


def test_evolvable_enum_keeps_a_value_it_does_not_know(seed_sdk: Any) -> None:
    model = seed_sdk.LearningSelfInitiatedCourse.from_dict({**SEED_BODY, "status": "paused"})
    assert model.status == "paused"
    assert model.status.is_known is False
    assert seed_sdk.CourseStatus.IN_PROGRESS.is_known is True
    assert model.to_dict()["status"] == "paused"
    assert type(model.to_dict()["status"]) is str


def test_round_trip_is_lossless_for_every_seed_field(seed_sdk: Any) -> None:
    model = seed_sdk.LearningSelfInitiatedCourse.from_dict(SEED_BODY)
    again = seed_sdk.LearningSelfInitiatedCourse.from_dict(model.to_dict())
    assert again == model
    assert again.to_dict()["startedDateTime"] == "2024-02-01T09:30:00+01:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-06T07:08:09Z", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08:09+02:00", datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))),
        ("2024-05-06T07:08:09.1234567Z", datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)),
        ("2024-05-06T07:08:09", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08:09.5-07:30", datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=timezone(-timedelta(hours=7, minutes=30)))),
    ],
)
def test_graph_date_time_forms_parse_to_aware_datetimes(seed_sdk: Any, text: str, expected: datetime) -> None:
    model = seed_sdk.LearningSelfInitiatedCourse.from_dict({"completedDateTime": text})
    assert model.completed_date_time == expected
    assert model.completed_date_time.tzinfo is not None


def test_date_times_are_written_as_rfc3339(seed_sdk: Any) -> None:
    course = seed_sdk.LearningSelfInitiatedCourse(
        completed_date_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        started_date_time=datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=timezone(timedelta(hours=-5))),
    )
    out = course.to_dict()
    assert out["completedDateTime"] == "2024-01-02T03:04:05Z"
    assert out["startedDateTime"] == "2024-01-02T03:04:05.600000-05:00"


def test_a_bad_date_time_names_its_json_pointer(seed_sdk: Any) -> None:
    with pytest.raises(seed_sdk.DecodeError) as info:
        seed_sdk.LearningSelfInitiatedCourse.from_dict({"startedDateTime": "String (timestamp)"})
    assert info.value.path == "/startedDateTime"


def test_recursive_model_and_lists_of_models(edge_sdk: Any) -> None:
    data = {
        "displayName": "root",
        "dimensions": {"width": 1, "height": 2, "inner": {"width": 3, "height": 4, "inner": None}},
        "parts": [{"displayName": "child", "parts": []}],
        "extra": {"a": "b"},
        "birthday": "2000-02-29",
        "size": "large",
        "class": True,
    }
    thing = edge_sdk.Thing.from_dict(data)
    assert thing.dimensions.inner.width == 3
    assert thing.parts[0].display_name == "child"
    assert thing.class_ is True
    assert thing.size is edge_sdk.Size.LARGE
    out = thing.to_dict()
    assert out["birthday"] == "2000-02-29" and out["class"] is True
    assert out["dimensions"]["inner"] == {"width": 3, "height": 4, "inner": None}


def test_setting_an_attribute_the_model_lacks_fails_loudly(seed_sdk: Any) -> None:
    course = seed_sdk.LearningSelfInitiatedCourse()
    with pytest.raises(AttributeError):
        course.external_course_activity_id = "typo"  # the field is externalcourse_activity_id


def test_models_compare_by_value_and_copy(seed_sdk: Any) -> None:
    a = seed_sdk.LearningSelfInitiatedCourse.from_dict(SEED_BODY)
    b = copy.deepcopy(a)
    assert a == b
    b.completion_percentage = 1
    assert a != b
    assert b.changed_fields == {"completion_percentage"} and a.changed_fields == frozenset()
    assert "completion_percentage=40" in repr(a)


# -- validators ---------------------------------------------------------------------------------

# The eight cases DESIGN.md measures every validator on.
EIGHT_CASES = [
    ("valid", SEED_BODY, []),
    ("valid with a null", {**SEED_BODY, "completedDateTime": None}, []),
    ("missing required", {k: v for k, v in SEED_BODY.items() if k != "learnerUserId"}, [("/learnerUserId", "is required")]),
    ("bad enum", {**SEED_BODY, "status": "String"}, [("/status", "not one of")]),
    ("int32 overflow", {**SEED_BODY, "completionPercentage": 2**31}, [("/completionPercentage", "above the maximum")]),
    ("bad date-time", {**SEED_BODY, "completedDateTime": "String (timestamp)"}, [("/completedDateTime", "date-time")]),
    ("date-time without offset", {**SEED_BODY, "completedDateTime": "2024-03-01T10:00:00"}, [("/completedDateTime", "date-time")]),
    ('"42" for an int', {**SEED_BODY, "completionPercentage": "42"}, [("/completionPercentage", "integer")]),
]


@pytest.mark.parametrize(("case", "data", "expected"), EIGHT_CASES, ids=[c[0] for c in EIGHT_CASES])
def test_seed_validator_is_right_on_the_eight_cases(seed_sdk: Any, case: str, data: Any, expected: list[tuple[str, str]]) -> None:
    errors = seed_sdk.validators.validate_learning_self_initiated_course(data)
    assert len(errors) == len(expected), errors
    for error, (path, fragment) in zip(errors, expected):
        assert error.path == path
        assert fragment in error.message


def test_validator_reports_every_error_at_once(seed_sdk: Any) -> None:
    data = {"status": "nope", "completionPercentage": -(2**31) - 1, "learningContentId": 5, "startedDateTime": 3}
    errors = seed_sdk.validators.validate_learning_self_initiated_course(data)
    assert {e.path for e in errors} == {
        "/learnerUserId",
        "/status",
        "/completionPercentage",
        "/learningContentId",
        "/startedDateTime",
    }


def test_validator_checks_spec_constraints(edge_sdk: Any) -> None:
    validate = edge_sdk.validators.validate_thing
    assert validate({"displayName": "ok", "code": "ABC-12", "score": 0.5, "labels": ["a"]}) == []
    errors = validate({"displayName": "", "code": "abc", "score": 1, "labels": ["a", "b", "c", "d"], "count": True})
    found = {(e.path, e.message.split()[0]) for e in errors}
    assert ("/displayName", "shorter") in found
    assert ("/code", "does") in found
    assert ("/score", "1") in found  # exclusive maximum
    assert ("/labels", "more") in found
    assert ("/count", "expected") in found  # a bool is not an integer


def test_validator_follows_odata_type_and_nesting(edge_sdk: Any) -> None:
    errors = edge_sdk.validators.validate_entity(
        {"@odata.type": "#example.gadget", "displayName": "g", "voltage": 500, "parts": [{"displayName": 1}]}
    )
    assert [(e.path, e.message) for e in errors] == [
        ("/voltage", "500 is above the maximum 240"),
        ("/parts/0/displayName", "expected a string, got number"),
    ]


def test_validation_error_paths_escape_json_pointer_tokens(edge_sdk: Any) -> None:
    errors = edge_sdk.validators.validate_thing({"displayName": "x", "extra": {"a/b~c": 1}})
    assert [e.path for e in errors] == ["/extra/a~1b~0c"]


def test_validator_rejects_non_objects(seed_sdk: Any) -> None:
    errors = seed_sdk.validators.validate_learning_course_activity(["not", "an", "object"])
    assert [(e.path, e.message) for e in errors] == [("", "expected an object, got array")]


def test_importing_the_package_for_data_work_does_not_load_the_http_stack() -> None:
    import subprocess
    import sys

    from helpers import ROOT

    code = (
        "import sys, seed_sdk; seed_sdk.LearningSelfInitiatedCourse(completion_percentage=1); "
        "print('httpx' in sys.modules); seed_sdk.Client; print('httpx' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "generated" / "seed", capture_output=True, text=True, timeout=60
    )
    assert run.stdout.split() == ["False", "True"], run.stderr


def test_a_date_time_read_and_not_changed_is_written_back_exactly(seed_sdk: Any) -> None:
    data = {"completedDateTime": "2024-05-01T10:00:00.1234567+02:00", "startedDateTime": "2024-05-01T10:00:00"}
    model = seed_sdk.LearningSelfInitiatedCourse.from_dict(data)
    out = model.to_dict()
    assert out["completedDateTime"] == "2024-05-01T10:00:00.1234567+02:00"  # all 7 digits kept
    assert out["startedDateTime"] == "2024-05-01T10:00:00Z"  # no offset: written as RFC 3339
    model.completed_date_time = datetime(2024, 6, 1, tzinfo=UTC)
    assert model.to_dict()["completedDateTime"] == "2024-06-01T00:00:00Z"


def test_field_tables_are_built_on_first_use() -> None:
    import subprocess
    import sys

    from helpers import ROOT

    # Importing a large package must not build every model's tables; the first use of a
    # model builds its own and its bases', and dispatch works before any are built.
    script = """
import edge_sdk
from edge_sdk import _runtime as rt
models = [edge_sdk.Entity, edge_sdk.Thing, edge_sdk.Gadget]
assert all(isinstance(m.__dict__["_BY_ATTR"], rt._Unbuilt) for m in models)
gadget = edge_sdk.Entity.from_dict({"@odata.type": "#example.gadget", "voltage": 12, "displayName": "g"})
assert type(gadget) is edge_sdk.Gadget and gadget.voltage == 12
assert all(isinstance(m.__dict__["_BY_ATTR"], dict) for m in models)
assert not isinstance(edge_sdk.Dimensions.__dict__["_BY_ATTR"], dict)  # untouched
print("ok")
"""
    folder = ROOT / "tests" / "golden" / "edge" / "sdk"
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


def test_each_kind_of_field_reads_and_writes_its_values(edge_sdk: Any) -> None:
    # A field's one kind drives both directions; these models use every kind the runtime has.
    rt = edge_sdk._runtime
    color = rt.OpenEnum("Color", {"RED": "red"})

    class Leaf(rt.Model):
        pass

    class Box(rt.Model):
        pass

    Leaf._bind(None, lambda: (rt.FieldSpec("n", "n"),))
    Box._bind(
        None,
        lambda: (
            rt.FieldSpec("when", "when", rt.DATETIME),
            rt.FieldSpec("day", "day", rt.DATE),
            rt.FieldSpec("color", "color", color),
            rt.FieldSpec("leaf", "leaf", Leaf),
            rt.FieldSpec("grid", "grid", rt.list_of(rt.list_of(Leaf))),
            rt.FieldSpec("by_name", "byName", rt.map_of(color)),
            rt.FieldSpec("tags", "tags", rt.list_of(None)),
            rt.FieldSpec("secret", "secret", read_only=True),
        ),
    )
    data = {
        "when": "2024-05-01T10:00:00Z",
        "day": "2024-05-01",
        "color": "blue",
        "leaf": {"n": 1},
        "grid": [[{"n": 2}, None], []],
        "byName": {"a": "red", "b": None},
        "tags": ["x", 1],
        "secret": "s",
    }
    box = Box.from_dict(data)
    assert box.when == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert str(box.day) == "2024-05-01"
    assert box.color == "blue" and not box.color.is_known
    assert type(box.leaf) is Leaf and box.grid[0][0].n == 2 and box.grid[0][1] is None
    assert box.by_name["a"] is color.RED and box.by_name["b"] is None
    assert box.to_dict() == data
    assert "secret" not in box.to_dict(include_read_only=False)
    box.day = box.day.replace(day=2)
    assert box.to_patch_dict() == {"day": "2024-05-02"}
    with pytest.raises(rt.DecodeError) as caught:
        Box.from_dict({"grid": [[{"n": 1}, 5]]})
    assert caught.value.path == "/grid/0/1"
    with pytest.raises(rt.DecodeError, match="expected an array"):
        Box.from_dict({"tags": "x"})
