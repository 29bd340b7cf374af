"""The generated client against the generated test double, through the client's own API
(issue 16: the parts were built apart; the fake was tested over raw httpx).

graph_sdk (generated/graph) talks to `graph_sdk.testing.FakeApi`: response metadata, page
by page listing, delta resume, `batch()` with `dependsOn`, downloads through the fake's 302
(no token to the other host), and an upload session whose chunk fails, resumed later.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SDK_DIR = ROOT / "generated" / "graph"
FOLDER = "/drives/d1/items/folder/children"


@pytest.fixture(scope="module")
def graph() -> Iterator[Any]:
    sys.path.insert(0, str(SDK_DIR))
    try:
        yield importlib.import_module("graph_sdk")
    finally:
        sys.path.remove(str(SDK_DIR))


@pytest.fixture
def fake(graph: Any) -> Iterator[Any]:
    from graph_sdk.testing import FakeApi

    fake = FakeApi()
    fake.add("/drives/d1/items", {"id": "folder", "name": "Documents", "folder": {}})
    yield fake
    fake.close()


def test_with_response_gives_status_etag_and_request_id(graph: Any, fake: Any) -> None:
    [item] = fake.add(FOLDER, {"name": "a.txt"})
    client = fake.client()
    got = client.with_response.get_drive_item_resource("d1", item["id"])
    assert got.status_code == 200 and got.value.name == "a.txt"
    assert got.etag is not None and got.request_id == got.headers["request-id"]
    updated = client.with_response.update_drive_item_properties(
        "d1", item["id"], graph.DriveItem(name="b.txt"), if_match=got.etag
    )
    assert updated.status_code == 200 and updated.value.name == "b.txt"
    assert updated.etag not in (None, got.etag)  # a new version
    with pytest.raises(graph.ApiError) as stale:
        client.update_drive_item_properties("d1", item["id"], {"name": "c"}, if_match=got.etag)
    assert stale.value.status == 412 and stale.value.request_id is not None


def test_pages_follow_the_fakes_next_links_with_count(fake: Any) -> None:
    fake.add(FOLDER, *({"name": f"{n}.txt"} for n in range(5)))
    fake.page_size = 2
    pages = list(fake.client().pages.list_children_of_drive_item("d1", "folder", count=True))
    assert [[i.name for i in p.items] for p in pages] == [
        ["0.txt", "1.txt"],
        ["2.txt", "3.txt"],
        ["4.txt"],
    ]
    assert pages[0].count == 5 and pages[-1].next_link is None
    assert all(p.status_code == 200 for p in pages) and pages[0].next_link is not None


def test_delta_resumes_from_the_saved_link(fake: Any) -> None:
    a, b = fake.add(FOLDER, {"name": "a.txt"}, {"name": "b.txt"})
    fake.page_size = 2
    client = fake.client()
    first = client.delta_drive_item("d1")
    assert sorted(item.name for item in first) == ["Documents", "a.txt", "b.txt"]
    saved = first.delta_link
    assert saved is not None
    client.delete_drive_item("d1", a["id"])
    client.update_drive_item_properties("d1", b["id"], {"name": "b2.txt"})
    changes = client.delta_drive_item("d1", delta_link=saved)
    changed = list(changes)
    assert changed[0].id == a["id"] and changed[0].additional_data["@removed"] == {
        "reason": "deleted"
    }
    assert [item.name for item in changed[1:]] == ["b2.txt"]
    assert changes.delta_link not in (None, saved)
    assert list(client.delta_drive_item("d1", delta_link=changes.delta_link)) == []


def test_a_batch_of_three_with_one_depends_on(graph: Any, fake: Any) -> None:
    [item] = fake.add(FOLDER, {"name": "a.txt"})
    client = fake.client()
    with client.batch() as batch:
        read = batch.add(graph.Client.get_drive_item_resource, "d1", item["id"])
        rename = batch.after(read).add(
            graph.Client.update_drive_item_properties, "d1", item["id"], {"name": "z.txt"}
        )
        missing = batch.add(graph.Client.get_drive_item_resource, "d1", "nope")
    assert read.result().name == "a.txt"  # read before the rename it precedes
    assert rename.result().name == "z.txt" and rename.status == 200
    with pytest.raises(graph.NotFoundError):
        missing.result()
    [sent] = [c for c in fake.calls if c.request.url.path.endswith("/$batch")]
    rename_request = next(r for r in sent.json()["requests"] if r["method"] == "PATCH")
    assert rename_request["dependsOn"] == ["1"]
    assert [e["name"] for e in fake.entities(FOLDER)] == ["z.txt"]


def test_download_follows_the_302_without_the_token(graph: Any, fake: Any) -> None:
    [item] = fake.add(FOLDER, {"name": "a.bin"})
    fake.set_content(f"/drives/d1/items/{item['id']}", b"\x00data\xff" * 1000)
    client = fake.client()
    assert client.get_download_contents_of_drive_item("d1", item["id"]) == b"\x00data\xff" * 1000
    with client.stream(graph.Client.get_download_contents_of_drive_item, "d1", item["id"]) as r:
        assert b"".join(r.iter_bytes()) == b"\x00data\xff" * 1000
    hops = [
        r
        for r in fake.requests
        if r.url.path.endswith("/content") or r.url.host != "graph.microsoft.com"
    ]
    api, other = (
        httpx.URL(str(fake.base_url)).host,
        [r for r in hops if r.url.host != "graph.microsoft.com"],
    )
    assert api == "graph.microsoft.com" and len(other) == 2  # one per download, after the 302
    assert all("authorization" not in r.headers for r in other)
    assert all(r.headers["authorization"] == "Bearer fake-token" for r in hops if r not in other)


def test_an_upload_session_resumes_after_a_failed_chunk(
    graph: Any, fake: Any, tmp_path: Path
) -> None:
    [item] = fake.add(FOLDER, {"name": "big.bin"})
    data = bytes(range(256)) * 3000  # 768,000 bytes: chunks of 327,680, 327,680, 112,640
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    # No retries: the failure reaches the caller, who resumes later from the session URL.
    client = fake.client(retry=graph.RetryPolicy(max_attempts=1))
    session = client.create_upload_session_drive_item_for_drive("d1", item["id"], {})
    fake.fail(503, path="/sessions/*", method="PUT", times=1)
    done: list[int] = []

    def progress(sent: int, total: int) -> None:
        done.append(sent)
        assert total == len(data)

    # The first chunk fails (503 without retries): the caller's error, nothing lost.
    with pytest.raises(graph.ServerError):
        client.upload_large_file(session, source, chunk_size=327_680, on_progress=progress)
    assert done == []
    resumed = client.upload_large_file(
        session.upload_url, source, chunk_size=327_680, on_progress=progress
    )
    assert resumed is not None and resumed.id == item["id"]
    assert done == [327_680, 655_360, 768_000]
    assert fake.content(f"/drives/d1/items/{item['id']}") == data
    session_calls = [
        (c.request.method, c.request.headers.get("content-range"), c.status)
        for c in fake.calls
        if c.request.url.host != "graph.microsoft.com"
    ]
    assert session_calls == [
        ("PUT", "bytes 0-327679/768000", 503),
        ("GET", None, 200),  # the resume asks where to go on from
        ("PUT", "bytes 0-327679/768000", 202),
        ("PUT", "bytes 327680-655359/768000", 202),
        ("PUT", "bytes 655360-767999/768000", 200),
    ]
    assert all(
        "authorization" not in c.request.headers
        for c in fake.calls
        if c.request.url.host != "graph.microsoft.com"
    )
