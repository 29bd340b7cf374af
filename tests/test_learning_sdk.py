"""The learning SDK (generated/learning) against Prism serving specs/learning.yaml.

Prism checks every request the SDK sends against the spec and answers from the spec's
examples, so these tests show that spec and SDK agree on paths, parameters and bodies.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "learning.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from support.prism import run_prism  # noqa: E402

LIST_PATH = "/me/employeeExperience/learningCourseActivities"
CREATE_PATH = "/employeeExperience/learningProviders/{registrationId}/learningCourseActivities"
UPDATE_PATH = CREATE_PATH + "/{learningCourseActivityId}"


@pytest.fixture(scope="module")
def sdk() -> Iterator[Any]:
    folder = str(ROOT / "generated" / "learning")
    sys.path.insert(0, folder)
    try:
        yield importlib.import_module("learning_sdk")
    finally:
        sys.path.remove(folder)


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    with run_prism(SPEC) as url:
        yield url


def test_client_covers_every_learning_operation_with_typed_path_parameters(sdk: Any) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    ops = {
        op["operationId"]: op
        for item in spec["paths"].values()
        for op in item.values()
    }
    assert len(ops) == 10  # 9 documented + the inferred GET on the provider path
    for op_id, op in ops.items():
        name = "".join("_" + c.lower() if c.isupper() else c for c in op_id)
        method = getattr(sdk.Client, name)
        params = inspect.signature(method).parameters
        path_params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
        positional = [
            p for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"
        ][: len(path_params)]
        assert [p.annotation for p in positional] == ["str"] * len(path_params), op_id
        assert hasattr(sdk.AsyncClient, name)


def assignment(sdk: Any, percentage: int) -> Any:
    """An assignment with every property the pages mark Required (what a create needs)."""
    return sdk.LearningAssignment(
        odata_type="#microsoft.graph.learningAssignment",
        assignment_type=sdk.AssignmentType("required"),
        learner_user_id="7ba2228a-e020-11ec-9d64-0242ac120002",
        learning_content_id="57baf9dc-e020-11ec-9d64-0242ac120002",
        learning_provider_id="01e8f81b-3060-4dec-acf0-0389665a0a38",
        completion_percentage=percentage,
        status=sdk.CourseStatus("inProgress"),
    )


def test_update_get_and_delete_a_course_activity(sdk: Any, prism: str) -> None:
    with sdk.Client(base_url=prism, token="token") as client:
        change = assignment(sdk, 20)
        assert client.update_learning_course_activity("reg-1", "act-1", change) is None
        got = client.get_learning_course_activity_for_learning_provider("reg-1", "act-1")
        assert isinstance(got, sdk.LearningAssignment)  # dispatched on @odata.type
        assert got.id == "8ba2228a-e020-11ec-9d64-0242ac120003"  # the get page's example
        assert client.delete_learning_course_activity("reg-1", "act-1") is None


def test_the_overlay_bound_reaches_the_spec_prism_serves(sdk: Any, prism: str) -> None:
    with sdk.Client(base_url=prism, token="token") as client:
        client.update_learning_course_activity("reg-1", "act-1", assignment(sdk, 100))
        with pytest.raises(sdk.BadRequestError):
            client.update_learning_course_activity("reg-1", "act-1", assignment(sdk, 101))


def test_prism_accepts_a_one_field_patch_the_sdk_sends(sdk: Any, prism: str) -> None:
    """The spec's update body is a partial view (no `required`), so the change-tracked PATCH
    of one field passes Prism's validation, while the model type stays the entity's."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    body = spec["paths"][UPDATE_PATH]["patch"]["requestBody"]["content"]["application/json"]
    assert "required" not in body["schema"] and body["schema"]["x-apigen-partial-of"]
    with sdk.Client(base_url=prism, token="token", strict=True) as client:
        got = client.get_learning_course_activity_for_learning_provider("reg-1", "act-1")
        got.completion_percentage = 50
        # The subtype's `@odata.type` goes with it, so the service knows which type changes.
        assert got.to_patch_dict() == {
            "@odata.type": "#microsoft.graph.learningAssignment",
            "completionPercentage": 50,
        }
        assert client.update_learning_course_activity("reg-1", "act-1", got) is None
        fresh = sdk.LearningCourseActivity.from_dict({})
        fresh.status = sdk.CourseStatus("completed")
        assert fresh.to_patch_dict() == {
            "@odata.type": "#microsoft.graph.learningCourseActivity",
            "status": "completed",
        }
        assert client.update_learning_course_activity("reg-1", "act-1", fresh) is None


def test_prism_still_refuses_a_create_that_lacks_a_required_property(
    sdk: Any, prism: str
) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    create = spec["paths"][CREATE_PATH]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"] == {"$ref": "#/components/schemas/microsoft.graph.learningCourseActivity"}
    whole = assignment(sdk, 20).to_dict()
    with sdk.Client(base_url=prism, token="token") as client:
        created = client.create_learning_course_activity("reg-1", whole)
        assert isinstance(created, sdk.LearningCourseActivity)
        lacking = {k: v for k, v in whole.items() if k != "learnerUserId"}
        with pytest.raises(sdk.BadRequestError):
            client.create_learning_course_activity("reg-1", lacking)


class _PagingProxy(ThreadingHTTPServer):
    """Forwards to Prism; on the first list request it adds an `@odata.nextLink` to itself."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = upstream
        self.seen: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: _PagingProxy

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        forward = urllib.request.Request(
            self.server.upstream + self.path,
            headers={"Authorization": self.headers.get("Authorization", "")},
        )
        with urllib.request.urlopen(forward, timeout=30) as answer:
            status, body = answer.status, json.loads(answer.read())
        if len(self.server.seen) == 1:
            body["@odata.nextLink"] = f"{self.server.url}{LIST_PATH}?$skiptoken=page2"
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_list_follows_the_next_link_page_by_page(sdk: Any, prism: str) -> None:
    proxy = _PagingProxy(prism)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        with sdk.Client(base_url=proxy.url, token="token") as client:
            items = list(client.list_learning_course_activities(top=2))
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert proxy.seen == [f"{LIST_PATH}?$top=2", f"{LIST_PATH}?$skiptoken=page2"]
    assert len(items) == 4  # two pages of the example's two activities
    assert {type(i).__name__ for i in items} == {
        "LearningAssignment",
        "LearningSelfInitiatedCourse",
    }


def test_lint_says_nothing_about_the_partial_update_body() -> None:
    from helpers import run_cli

    result = run_cli("lint", str(SPEC))
    assert result.returncode == 0, result.stderr
    assert "spec-permissions" in result.stdout  # lint did read the spec and report on it
    assert "/patch/requestBody" not in result.stdout
    assert "x-apigen-partial-of" not in result.stdout + result.stderr
