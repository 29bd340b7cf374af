"""The generated test double (`<package>.testing.FakeApi`) answering the generated clients.

The learning and graph SDKs' own clients talk to the fake through httpx, as a downstream
test suite would: CRUD, paging, query options, validation errors, injected failures (the
client's retry honouring Retry-After, its timeout on a slow answer). The wire behaviours
the clients are still growing (delta links, `$batch`, the 302 download, upload sessions)
are checked with raw httpx requests in the shapes the issue 16 contract fixes.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
LEARNING = "/me/employeeExperience/learningCourseActivities"
PROVIDER = "/employeeExperience/learningProviders/p1/learningCourseActivities"
CHILDREN = "/me/drive/items/root/children"


def _import(folder: str, name: str) -> Iterator[Any]:
    path = str(ROOT / "generated" / folder)
    sys.path.insert(0, path)
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(path)


@pytest.fixture(scope="module")
def learning() -> Iterator[Any]:
    yield from _import("learning", "learning_sdk")


@pytest.fixture(scope="module")
def graph() -> Iterator[Any]:
    yield from _import("graph", "graph_sdk")


@pytest.fixture
def fake(learning: Any) -> Iterator[Any]:
    from learning_sdk.testing import FakeApi

    fake = FakeApi()
    yield fake
    fake.close()


@pytest.fixture
def drive(graph: Any) -> Iterator[Any]:
    """A graph fake holding a root folder (id `root`)."""
    from graph_sdk.testing import FakeApi

    fake = FakeApi()
    fake.add("/me/drive/items", {"id": "root", "name": "root", "folder": {"childCount": 0}})
    yield fake
    fake.close()


def _activity(content_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "learnerUserId": "u1",
        "learningContentId": content_id,
        "learningProviderId": "p1",
        "assignmentType": "required",
        "status": "notStarted",
        **extra,
    }


# -- CRUD, paging and query options through the generated client ------------------------


def test_create_get_update_delete_round_trip(learning: Any, fake: Any) -> None:
    client = fake.client(strict=True)  # the fake's answers fit the spec, too
    body = learning.LearningCourseActivity.from_dict(_activity("c1"))
    created = client.create_learning_course_activity("p1", body)
    assert created.id and created.learning_content_id == "c1"
    assert fake.calls[-1].status == 201

    # Ids are global: the entity made under the provider is found from another path.
    got = client.get_learning_course_activity(created.id)
    got.completion_percentage = 40
    client.update_learning_course_activity("p1", created.id, got)
    sent = fake.calls[-1].json()
    assert {k: v for k, v in sent.items() if k != "@odata.type"} == {"completionPercentage": 40}
    assert fake.entities(PROVIDER)[0]["completionPercentage"] == 40
    assert fake.entities(PROVIDER)[0]["status"] == "notStarted"  # PATCH merged

    client.delete_learning_course_activity("p1", created.id)
    assert fake.entities(PROVIDER) == []
    with pytest.raises(learning.NotFoundError) as caught:
        client.get_learning_course_activity(created.id)
    assert caught.value.code == "itemNotFound"


def test_a_list_is_paged_with_next_links(fake: Any) -> None:
    fake.add(LEARNING, *(_activity(f"c{n}") for n in range(5)))
    fake.page_size = 2
    items = list(fake.client().list_learning_course_activities())
    assert [i.learning_content_id for i in items] == ["c0", "c1", "c2", "c3", "c4"]
    assert [c.operation for c in fake.calls] == ["list_learning_course_activities"] * 3
    assert "skiptoken=2" in str(fake.calls[1].request.url)


def test_top_skip_select_and_count(learning: Any, fake: Any) -> None:
    fake.add(LEARNING, *(_activity(f"c{n}", completionPercentage=n) for n in range(5)))
    client = fake.client()
    page = list(client.list_learning_course_activities(top=2, skip=1, select=["learningContentId"]))
    assert [i.learning_content_id for i in page] == ["c1", "c2"]
    assert page[0].status is learning.UNSET  # not selected, so not sent
    assert page[0].to_dict().keys() <= {"id", "learningContentId", "@odata.etag", "@odata.type"}

    http = fake.http_client()
    answer = http.get(f"{fake.base_url}{LEARNING[1:]}?$count=true&$top=1").json()
    assert answer["@odata.count"] == 5 and len(answer["value"]) == 1


def test_filter_eq_ne_and(fake: Any) -> None:
    fake.add(
        LEARNING,
        _activity("a", status="completed", completionPercentage=100),
        _activity("b", status="completed", completionPercentage=90),
        _activity("c", status="inProgress", completionPercentage=100),
    )
    http = fake.http_client()

    def ids(expression: str) -> list[str]:
        response = http.get(f"{fake.base_url}{LEARNING[1:]}", params={"$filter": expression})
        assert response.status_code == 200, response.text
        return [item["learningContentId"] for item in response.json()["value"]]

    assert ids("status eq 'completed'") == ["a", "b"]
    assert ids("status ne 'completed'") == ["c"]
    assert ids("status eq 'completed' and completionPercentage eq 100") == ["a"]
    assert ids("learningContentId eq 'O''Brien'") == []


def test_orderby_sorts_by_simple_properties_nulls_first_ascending(fake: Any) -> None:
    fake.add(
        LEARNING,
        _activity("a", status="completed", completionPercentage=90),
        _activity("b", status="inProgress", completionPercentage=None),
        _activity("c", status="completed", completionPercentage=100),
        _activity("d", status="notStarted", completionPercentage=90),
    )
    client = fake.client()

    def ids(*keys: str) -> list[str]:
        items = client.list_learning_course_activities(orderby=list(keys))
        return [item.learning_content_id for item in items]

    assert ids("completionPercentage") == ["b", "a", "d", "c"]
    assert ids("completionPercentage desc") == ["c", "a", "d", "b"]
    assert ids("status asc", "completionPercentage desc") == ["c", "a", "b", "d"]
    assert ids("learningContentId desc") == ["d", "c", "b", "a"]
    fake.page_size = 3  # ordered first, then paged
    assert ids("learningContentId desc") == ["d", "c", "b", "a"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"$filter": "status eq 'a' or status eq 'b'"}, "'or'"),
        ({"$filter": "startswith(status,'c')"}, "functions"),
        ({"$filter": "completionPercentage gt 5"}, "'gt'"),
        ({"$filter": "nothing eq 1"}, "'nothing'"),
        ({"$filter": "dueDateTime/timeZone eq 'UTC'"}, "/timeZone"),
        ({"$orderby": "nothing desc"}, "'nothing'"),
        ({"$orderby": "status sideways"}, "property [asc|desc]"),
        ({"$orderby": "dueDateTime/timeZone"}, "/timeZone"),
        ({"$orderby": "dueDateTime"}, "not a simple property"),
        ({"$expand": "x"}, "$expand"),
        ({"$select": "nope"}, "'nope'"),
    ],
)
def test_what_the_fake_cannot_answer_is_a_400_naming_it(
    fake: Any, query: dict[str, str], named: str
) -> None:
    due = {"dateTime": "2024-01-01T00:00:00", "timeZone": "UTC"}
    fake.add(LEARNING, _activity("a", dueDateTime=due), _activity("b", dueDateTime=due))
    response = fake.http_client().get(f"{fake.base_url}{LEARNING[1:]}", params=query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BadRequest" and named in error["message"]
    assert error["innerError"]["request-id"] == response.headers["request-id"]


def test_bodies_are_validated_with_per_field_errors(learning: Any, fake: Any) -> None:
    client = fake.client()
    created = client.create_learning_course_activity("p1", _activity("c1"))
    with pytest.raises(learning.ApiError) as caught:
        client.update_learning_course_activity("p1", created.id, {"completionPercentage": "x"})
    assert caught.value.status == 422
    details = json.loads(caught.value.body)["error"]["details"]
    assert details == [
        {
            "code": "type",
            "message": "expected an integer, got string",
            "target": "/completionPercentage",
        }
    ]
    # A create is checked whole: the required properties it lacks are each named.
    with pytest.raises(learning.ApiError) as caught:
        client.create_learning_course_activity("p1", {"learningContentId": "c2"})
    targets = {d["target"] for d in json.loads(caught.value.body)["error"]["details"]}
    assert targets == {"/learnerUserId", "/learningProviderId", "/assignmentType", "/status"}
    assert len(fake.entities(PROVIDER)) == 1  # nothing stored from a rejected body


def test_seeding_checks_values_and_paths(fake: Any) -> None:
    with pytest.raises(ValueError, match="/completionPercentage"):
        fake.add(LEARNING, _activity("a", completionPercentage="high"))
    with pytest.raises(ValueError, match="no operation of the spec addresses"):
        fake.add("/nowhere", {"id": "1"})
    [stored] = fake.add(LEARNING, {"learningContentId": "partial"})  # required may be left out
    assert stored["id"]


# -- failures on demand -----------------------------------------------------------------


def test_throttling_is_retried_after_the_retry_after_it_names(fake: Any) -> None:
    fake.add(LEARNING, _activity("a"))
    fake.fail(429, retry_after=0.3)
    items = list(fake.client().list_learning_course_activities())
    assert [i.learning_content_id for i in items] == ["a"]
    first, second = fake.calls
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.3  # the client waited as long as Retry-After said


def test_outages_end_in_the_clients_error_when_retries_run_out(learning: Any, fake: Any) -> None:
    fake.fail(503, times=2, retry_after=0)
    client = fake.client(retry=learning.RetryPolicy(max_attempts=2))
    with pytest.raises(learning.ServerError) as caught:
        list(client.list_learning_course_activities())
    assert caught.value.status == 503 and len(fake.calls) == 2
    assert list(client.list_learning_course_activities()) == []  # the failures are used up
    assert len(fake.calls) == 3


def test_a_failure_can_target_one_operation(learning: Any, fake: Any) -> None:
    [stored] = fake.add(LEARNING, _activity("a"))
    fake.fail(404, operation="get_learning_course_activity_for_me")
    client = fake.client()
    assert client.get_learning_course_activity(stored["id"]).learning_content_id == "a"
    with pytest.raises(learning.NotFoundError):
        client.get_learning_course_activity_for_me(stored["id"])
    assert client.get_learning_course_activity_for_me(stored["id"]).id == stored["id"]


def test_a_slow_answer_meets_the_clients_timeout(learning: Any, fake: Any) -> None:
    fake.slow(5.0)
    with pytest.raises(learning.RequestTimeoutError, match="answered too slowly"):
        list(fake.client(timeout=0.2).list_learning_course_activities())
    fake.slow(0.05)
    assert list(fake.client(timeout=2.0).list_learning_course_activities()) == []


def test_the_async_client_talks_to_the_same_fake(learning: Any, fake: Any) -> None:
    async def story() -> list[str]:
        async with fake.async_client() as client:
            await client.create_learning_course_activity("p1", _activity("x"))
            fake.add(LEARNING, _activity("y"))
            return [a.learning_content_id async for a in client.list_learning_course_activities()]

    assert asyncio.run(story()) == ["y"]
    assert len(fake.entities(PROVIDER)) == 1


def test_an_action_is_answered_by_the_tests_handler(drive: Any) -> None:
    http = drive.http_client()
    url = f"{drive.base_url}me/drive/items/root/createUploadSession"
    assert http.post(url, json={}).status_code == 200  # an upload session: the fake's own
    unknown = http.post(f"{drive.base_url}me/drive/items/root/children", json={})
    assert unknown.status_code == 405  # no create of children in this spec
    with pytest.raises(ValueError, match="no operation named"):
        drive.on("nope", lambda request: httpx.Response(200))


def test_any_spec_gets_a_fake_and_actions_wait_for_a_handler() -> None:
    """The edge spec is no Graph API: its action (a PUT of a map) is refused with 501 until
    a test answers it, and the test's answer also serves inside a `$batch`."""
    path = str(ROOT / "tests" / "golden" / "edge" / "sdk")
    sys.path.insert(0, path)
    try:
        testing = importlib.import_module("edge_sdk.testing")
    finally:
        sys.path.remove(path)
    fake = testing.FakeApi()
    client = fake.client()
    with pytest.raises(importlib.import_module("edge_sdk").ApiError) as caught:
        client.things_tags_set_tag_counts("t1", "red", {"small": 1})
    assert caught.value.status == 501 and "fake.on" in caught.value.message

    def tag_counts(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[json.loads(request.content)["small"]])

    fake.on("things_tags_set_tag_counts", tag_counts)
    assert client.things_tags_set_tag_counts("t1", "red", {"small": 2}) == [2]
    item = {"id": "1", "method": "PUT", "url": "/things/t1/tags/red", "body": {"small": 3}}
    item["headers"] = {"Content-Type": "application/json"}
    batch = fake.http_client().post(f"{fake.base_url}$batch", json={"requests": [item]})
    assert batch.json()["responses"][0]["body"] == [3]
    fake.close()


# -- the graph SDK ------------------------------------------------------------------------


def test_graph_children_paths_and_updates(drive: Any) -> None:
    drive.add(CHILDREN, {"name": "a.txt"}, {"name": "b.txt"}, {"name": "c.txt"})
    drive.page_size = 2
    client = drive.client(strict=True)
    children = list(client.list_children_of_drive_item_for_me("root"))
    assert [c.name for c in children] == ["a.txt", "b.txt", "c.txt"]
    # The same item by id from another drive path, and by its path under the root.
    assert client.get_drive_item_resource_for_user("u1", children[0].id).name == "a.txt"
    assert client.get_drive_item_resource_for_me2("b.txt").id == children[1].id
    updated = client.update_drive_item_properties_for_me(children[0].id, {"name": "z.txt"})
    assert updated.name == "z.txt" and updated.id == children[0].id
    client.delete_drive_item_for_me(children[2].id)
    assert [c["name"] for c in drive.entities(CHILDREN)] == ["z.txt", "b.txt"]


def test_graph_if_match_guards_updates(graph: Any, drive: Any) -> None:
    [item] = drive.add(CHILDREN, {"name": "a.txt"})
    client = drive.client()
    etag = client.get_drive_item_resource_for_me(item["id"]).additional_data["@odata.etag"]
    with pytest.raises(graph.ApiError) as caught:
        client.delete_drive_item_for_me(item["id"], if_match='W/"0"')
    assert caught.value.status == 412
    client.delete_drive_item_for_me(item["id"], if_match=etag)
    assert drive.entities(CHILDREN) == []


def test_delta_rounds_end_in_a_delta_link_and_report_removals(drive: Any) -> None:
    """Wire shape: pages of `value`, then `@odata.deltaLink`; the link gives the changes."""
    a, b = drive.add(CHILDREN, {"name": "a.txt"}, {"name": "b.txt"})
    drive.page_size = 2
    http = drive.http_client()
    page = http.get(f"{drive.base_url}me/drive/root/delta").json()
    seen = [item["name"] for item in page["value"]]
    assert "@odata.deltaLink" not in page
    while "@odata.nextLink" in page:
        page = http.get(page["@odata.nextLink"]).json()
        seen += [item["name"] for item in page["value"]]
    assert seen == ["root", "a.txt", "b.txt"]
    link = page["@odata.deltaLink"]
    assert link.startswith(str(drive.base_url)) and "@odata.nextLink" not in page

    client = drive.client()
    client.delete_drive_item_for_me(a["id"])
    client.update_drive_item_properties_for_me(b["id"], {"name": "b2.txt"})
    changes = http.get(link).json()
    assert changes["value"][0] == {"id": a["id"], "@removed": {"reason": "deleted"}}
    assert changes["value"][1]["name"] == "b2.txt" and len(changes["value"]) == 2
    assert http.get(changes["@odata.deltaLink"]).json()["value"] == []
    # The generated client reads a delta round as items, following the next links.
    assert sorted(i.name for i in client.delta_drive_item_for_me()) == ["b2.txt", "root"]


def test_batch_answers_each_request_in_depends_on_order(drive: Any) -> None:
    [item] = drive.add(CHILDREN, {"name": "a.txt"})
    drive.fail(429, path="/me/drive/items/throttled", retry_after=7)
    requests = [
        {
            "id": "1",
            "method": "PATCH",
            "url": f"/me/drive/items/{item['id']}",
            "headers": {"Content-Type": "application/json"},
            "body": {"name": "renamed.txt"},
            "dependsOn": ["2"],
        },
        {"id": "2", "method": "GET", "url": f"/me/drive/items/{item['id']}?$select=name"},
        {"id": "3", "method": "GET", "url": "/me/drive/items/missing"},
        {"id": "4", "method": "DELETE", "url": f"/me/drive/items/{item['id']}", "dependsOn": ["3"]},
        {"id": "5", "method": "GET", "url": "/me/drive/items/throttled"},
        {"id": "6", "method": "PATCH", "url": f"/me/drive/items/{item['id']}", "body": {}},
    ]
    response = drive.http_client().post(f"{drive.base_url}$batch", json={"requests": requests})
    assert response.status_code == 200
    answers = {a["id"]: a for a in response.json()["responses"]}
    assert [a["id"] for a in response.json()["responses"]][:2] == ["2", "1"]
    assert answers["2"]["body"]["name"] == "a.txt"  # read before the PATCH it precedes
    assert answers["1"]["status"] == 200 and answers["1"]["body"]["name"] == "renamed.txt"
    assert answers["3"]["status"] == 404 and answers["3"]["body"]["error"]["code"] == "itemNotFound"
    assert answers["4"]["status"] == 424  # its dependency failed: not run
    assert answers["5"]["status"] == 429 and answers["5"]["headers"]["Retry-After"] == "7"
    assert answers["6"]["status"] == 400  # a JSON body without its Content-Type
    assert [c["name"] for c in drive.entities(CHILDREN)] == ["renamed.txt"]

    too_many = [{"id": str(n), "method": "GET", "url": "/me/drive/items/root"} for n in range(21)]
    refused = drive.http_client().post(f"{drive.base_url}$batch", json={"requests": too_many})
    assert refused.status_code == 400 and "at most 20" in refused.json()["error"]["message"]


def test_download_redirects_to_a_pre_authenticated_url_on_another_host(
    graph: Any, drive: Any
) -> None:
    [item] = drive.add(CHILDREN, {"name": "a.bin"})
    drive.set_content(f"/me/drive/items/{item['id']}", b"\x00bytes\xff")
    http = drive.http_client()
    answer = http.get(
        f"{drive.base_url}me/drive/items/{item['id']}/content",
        headers={"Authorization": "Bearer t"},
    )
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["Location"])
    assert location.host != drive.base_url.host
    assert http.get(location, headers={"Authorization": "Bearer t"}).status_code == 401
    assert http.get(location).content == b"\x00bytes\xff"
    # The generated client follows the redirect without its token (else the fake says 401).
    client = drive.client()
    with client.stream(graph.Client.get_download_contents_of_drive_item_for_me2, item["id"]) as r:
        assert r.read() == b"\x00bytes\xff"


def test_simple_upload_creates_or_replaces_content(drive: Any) -> None:
    http = drive.http_client()
    created = http.put(
        f"{drive.base_url}me/drive/items/root:/new.txt:/content",
        content=b"hello",
        headers={"Content-Type": "text/plain"},
    )
    assert created.status_code == 201
    assert created.json()["name"] == "new.txt" and created.json()["size"] == 5
    item_id = created.json()["id"]
    replaced = http.put(f"{drive.base_url}me/drive/items/{item_id}/content", content=b"bye")
    assert replaced.status_code == 200 and replaced.json()["size"] == 3
    assert drive.content(f"/me/drive/items/{item_id}") == b"bye"
    assert [c["name"] for c in drive.entities(CHILDREN)] == ["new.txt"]


def test_upload_session_takes_ranges_in_multiples_of_320_kib(drive: Any) -> None:
    http = drive.http_client()
    started = http.post(
        f"{drive.base_url}me/drive/items/root:/big.bin:/createUploadSession",
        json={"item": {"@microsoft.graph.conflictBehavior": "replace"}},
        headers={"Authorization": "Bearer t"},
    )
    assert started.status_code == 200 and started.json()["nextExpectedRanges"] == ["0-"]
    url = started.json()["uploadUrl"]
    assert httpx.URL(url).host != drive.base_url.host
    data = bytes(range(256)) * 2000  # 512,000 bytes: one 320 KiB chunk and the rest
    total = len(data)

    def put(start: int, chunk: bytes, **headers: str) -> httpx.Response:
        end = start + len(chunk) - 1
        return http.put(
            url, content=chunk, headers={"Content-Range": f"bytes {start}-{end}/{total}", **headers}
        )

    assert put(0, data[:1000]).status_code == 400  # not a multiple of 327,680, not the last
    assert put(0, data[:327_680], Authorization="Bearer t").status_code == 401
    first = put(0, data[:327_680])
    assert first.status_code == 202 and first.json()["nextExpectedRanges"] == ["327680-"]
    assert put(0, data[:327_680]).status_code == 416  # a range already received
    drive.fail(503, path="/sessions/*", retry_after=0)  # a failed chunk: resume from the status
    assert put(327_680, data[327_680:]).status_code == 503
    assert http.get(url).json()["nextExpectedRanges"] == ["327680-"]
    last = put(327_680, data[327_680:])
    assert last.status_code == 201
    assert last.json()["name"] == "big.bin" and last.json()["size"] == total
    assert drive.content(f"/me/drive/items/{last.json()['id']}") == data
    assert http.get(url).status_code == 404  # the session ended

    client = drive.client(strict=True)
    session = client.create_upload_session_drive_item_alt(last.json()["id"], {"item": {}})
    assert session.upload_url.startswith("https://upload.fake.test/")
    assert session.next_expected_ranges == ["0-"]
    again = http.post(
        f"{drive.base_url}me/drive/items/{last.json()['id']}/createUploadSession", json={}
    )
    cancel = again.json()["uploadUrl"]
    assert http.delete(cancel).status_code == 204
    assert http.get(cancel).status_code == 404


def test_errors_carry_graphs_error_body(drive: Any) -> None:
    response = drive.http_client().get(
        f"{drive.base_url}me/drive/items/missing", headers={"client-request-id": "abc"}
    )
    error = response.json()["error"]
    assert response.status_code == 404 and error["code"] == "itemNotFound"
    assert error["innerError"]["client-request-id"] == "abc"
    assert set(error["innerError"]) == {"request-id", "date", "client-request-id"}


# -- downstream use -----------------------------------------------------------------------


def _readme_test(folder: str) -> str:
    """The test the SDK's README shows (its `def test_my_code(...)` block)."""
    text = (ROOT / "generated" / folder / "README.md").read_text(encoding="utf-8")
    start = text.index("def test_my_code(")
    return text[start : text.index("```", start)]


def test_a_downstream_suite_fakes_the_api_in_five_lines(tmp_path: Path) -> None:
    """The SDK installed as a wheel registers the fixture with pytest (entry point
    `pytest11`): a fresh test file needs no conftest and no import."""
    downstream = _readme_test("graph")
    assert len(downstream.splitlines()) <= 5
    wheel_dir, site = tmp_path / "wheel", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    built = subprocess.run(
        [*pip, "-w", str(wheel_dir), str(ROOT / "generated" / "graph")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = wheel_dir.glob("graph_sdk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # what pip install puts in site-packages
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_downstream.py").write_text(downstream, encoding="utf-8")
    wrong = downstream.replace('== ["1"]', '== ["2"]')
    assert wrong != downstream
    (suite / "test_wrong.py").write_text(wrong, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(suite)],
        cwd=suite,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "1 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    assert "test_wrong.py" in result.stdout  # the fake gave item 1, not 2


def test_importing_the_package_leaves_the_fake_and_pytest_out() -> None:
    code = (
        "import sys, graph_sdk; print(sorted(m for m in sys.modules"
        " if 'fake' in m or m in ('pytest', 'graph_sdk.testing')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(ROOT / "generated" / "graph")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


def test_the_learning_readme_test_runs_with_the_plugin_named(tmp_path: Path) -> None:
    """Without installing: the plugin module named to pytest (`-p`, as a conftest's
    `pytest_plugins` does) gives the same fixture."""
    (tmp_path / "test_readme.py").write_text(_readme_test("learning"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-p", "learning_sdk.pytest_plugin", str(tmp_path)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT / "generated" / "learning"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "1 passed" in result.stdout, result.stdout + result.stderr
