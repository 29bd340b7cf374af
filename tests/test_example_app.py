"""The graph SDK README's "Example app", run as printed there (issue 16 item 10).

The code is read from generated/graph/README.md (where apigen put the build's `example`
file), not from a copy, and run twice: against the generated test double
(`graph_sdk.testing.FakeApi`, seeded) and against Prism mocking specs/graph.yaml with
`--errors`, so a request the spec does not allow fails the run. No request leaves the
machine: the Prism run's transport answers only the API's origin (sent on to Prism) and
the upload session's host (answered here: that URL is outside the API Prism mocks).
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import run_cli
from support.prism import run_prism

ROOT = Path(__file__).resolve().parents[1]
SDK_DIR = ROOT / "generated" / "graph"
SPEC = ROOT / "specs" / "graph.yaml"
GRAPH = "https://graph.microsoft.com/v1.0"
UPLOAD_HOST = "sn3302.up.1drv.com"  # the host of the spec's createUploadSession example


def readme_app() -> str:
    """The Python block of the README's "Example app" section."""
    readme = (SDK_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Example app\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)\n```", section, re.DOTALL)
    assert found is not None, "the Example app section has no python block"
    return found.group(1)


@pytest.fixture(scope="module")
def app() -> Iterator[dict[str, Any]]:
    """The README's code, executed: its functions by name."""
    sys.path.insert(0, str(SDK_DIR))
    try:
        module = importlib.import_module("graph_sdk")
        assert Path(str(module.__file__)).resolve().is_relative_to(SDK_DIR.resolve())
        namespace: dict[str, Any] = {"__name__": "readme_example_app"}
        # The README is the code under test: it runs as printed.
        exec(compile(readme_app(), "README.md#example-app", "exec"), namespace)  # noqa: S102
        yield namespace
    finally:
        sys.path.remove(str(SDK_DIR))


def test_the_readme_shows_the_build_example_file() -> None:
    example = (ROOT / "examples" / "graph_app.py").read_text(encoding="utf-8")
    assert readme_app() == example.rstrip()


def test_the_example_app_against_the_test_double(app: dict[str, Any], tmp_path: Path) -> None:
    from graph_sdk.testing import FakeApi

    fake = FakeApi()
    fake.add("/drives/d1/items", {"id": "folder", "name": "Documents", "folder": {"childCount": 2}})
    draft, _ = fake.add(
        "/drives/d1/items/folder/children", {"name": "draft.txt"}, {"name": "b.txt"}
    )
    fake.set_content(f"/drives/d1/items/{draft['id']}", b"draft text")
    with fake.client() as client:
        seen = app["tidy_folder"](client, "d1", "folder", tmp_path)

    assert seen["drafts"] == ["draft.txt"]  # the filter was applied by the fake
    status, etag = seen["renamed"]
    assert status == 200 and etag is not None and etag.startswith('W/"')
    assert sorted(seen["changed"]) == ["Documents", "b.txt", "final.txt"]
    assert str(seen["delta_link"]).startswith(f"{GRAPH}/drives/d1/root/delta?")
    assert seen["changed_since"] == []  # nothing changed between the two rounds
    assert seen["batch"] == ("Documents", 200, "final.txt")
    assert seen["downloaded"] == b"draft text"
    assert seen["uploaded"] == "notes.txt"
    assert seen["progress"] == [327_680, 655_360, 720_000]
    assert seen["big"] == "big.log"

    # What the fake holds now: the rename, the batch's update, the notes, the big file.
    items = {item["name"]: item for item in fake.entities("/drives/d1/items/folder/children")}
    assert set(items) == {"big.log", "b.txt", "notes.txt"}
    assert items["big.log"]["id"] == draft["id"] and items["big.log"]["description"] == "tidied"
    assert fake.content(f"/drives/d1/items/{draft['id']}") == b"log line\n" * 80_000
    assert fake.content(f"/drives/d1/items/{items['notes.txt']['id']}") == (
        b"tidied by the example app\n"
    )
    # Only the PATCH's one field (and the body's type) went over the wire; the batch kept
    # its dependsOn.
    calls = [(c.request.method, c.request.url.path, c.status) for c in fake.calls]
    patch = next(c for c in fake.calls if c.request.method == "PATCH")
    assert patch.json() == {"@odata.type": "#microsoft.graph.driveItem", "name": "final.txt"}
    batch = next(c for c in fake.calls if c.request.url.path.endswith("/$batch"))
    requests = batch.json()["requests"]
    by_method = {request["method"]: request for request in requests}
    assert len(requests) == 3 and by_method["PATCH"]["body"]["description"] == "tidied"
    assert by_method["PATCH"]["dependsOn"] == [requests[0]["id"]]  # the folder's GET
    assert requests[0]["url"] == "/drives/d1/items/folder"
    uploads = [c for c in calls if c[0] == "PUT" and c[1].startswith("/sessions/")]
    assert [status for *_, status in uploads] == [202, 202, 200]
    # No credential went to the upload session's or the download's pre-authenticated host.
    for request in fake.requests:
        if request.url.host != httpx.URL(GRAPH).host:
            assert "authorization" not in request.headers, request.url


class _PrismRoute(httpx.BaseTransport):
    """Graph's origin sent on to Prism ($batch answered request by request, as Graph's
    gateway does), the upload session's host answered here, everything else refused."""

    def __init__(self, prism: str) -> None:
        self.prism = httpx.URL(prism)
        self.inner = httpx.HTTPTransport()
        self.answers: list[tuple[str, str, int]] = []  # (method, path, status) from Prism
        self.uploaded = bytearray()
        self.upload_puts: list[str] = []

    def _prism(self, method: str, path: str, headers: httpx.Headers, body: bytes) -> httpx.Response:
        url = self.prism.join(path.removeprefix("/v1.0"))
        sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        request = httpx.Request(method, url, headers=sent, content=body)
        response = self.inner.handle_request(request)
        response.read()
        self.answers.append((method, url.path, response.status_code))
        return response

    def _batch(self, request: httpx.Request) -> httpx.Response:
        answers = []
        for item in json.loads(request.read())["requests"]:
            body = b"" if "body" not in item else json.dumps(item["body"]).encode()
            headers = httpx.Headers(item.get("headers", {}))
            # Graph runs each request of a batch with the batch's own credentials.
            headers["Authorization"] = request.headers["authorization"]
            answer = self._prism(item["method"], item["url"], headers, body)
            answers.append(
                {
                    "id": item["id"],
                    "status": answer.status_code,
                    "headers": {"Content-Type": answer.headers.get("content-type", "")},
                    "body": answer.json() if answer.content else None,
                }
            )
        return httpx.Response(200, json={"responses": answers})

    def _upload(self, request: httpx.Request) -> httpx.Response:
        assert "authorization" not in request.headers
        if request.method == "GET":  # the session's status: where to go on from
            self.upload_puts.append("GET")
            return httpx.Response(200, json={"nextExpectedRanges": [f"{len(self.uploaded)}-"]})
        self.upload_puts.append(request.headers["content-range"])
        start, rest = request.headers["content-range"].removeprefix("bytes ").split("-")
        end, total = (int(n) for n in rest.split("/"))
        assert int(start) == len(self.uploaded)
        self.uploaded += request.read()
        if end + 1 < total:
            return httpx.Response(202, json={"nextExpectedRanges": [f"{end + 1}-"]})
        return httpx.Response(201, json={"id": "big", "name": "big.log", "size": total})

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.host == "graph.microsoft.com" and url.scheme == "https":
            path = url.raw_path.decode("ascii")
            if url.path == "/v1.0/$batch":
                return self._batch(request)
            return self._prism(request.method, path, request.headers, request.read())
        if url.host == UPLOAD_HOST and request.method in ("GET", "PUT"):
            return self._upload(request)
        raise httpx.ConnectError(f"the test reaches no other host: {url}", request=request)


def test_the_example_app_against_prism(app: dict[str, Any], tmp_path: Path) -> None:
    from graph_sdk import Client

    with run_prism(SPEC, log_path=tmp_path / "prism.log", errors=True) as prism:
        route = _PrismRoute(prism)
        http = httpx.Client(transport=route)
        with Client(GRAPH, token="t", http_client=http) as client:
            seen = app["tidy_folder"](client, "d1", "folder", tmp_path)
        http.close()

    # Prism accepted every request the app sent (an invalid one would be a 4xx and the
    # client would have raised), and answered each from the spec's examples.
    assert route.answers and all(status < 300 for *_, status in route.answers), route.answers
    methods = [(method, path) for method, path, _ in route.answers]
    assert methods[0] == ("GET", "/drives/d1/items/folder/children")
    assert ("PATCH", "/drives/d1/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K") in methods
    assert ("GET", "/me/drive/root/delta") in methods  # the example's delta link, resumed
    assert ("PUT", "/drives/d1/items/folder:/notes.txt:/content") in methods
    assert seen["drafts"][0] == "myfile.jpg"  # Prism serves the example, unfiltered
    assert seen["renamed"][0] == 200
    assert seen["changed"] == ["folder2", "file.txt"]
    assert str(seen["delta_link"]).startswith(f"{GRAPH}/me/drive/root/delta?")
    assert seen["uploaded"] == "FileB.txt"
    # The spec's session example names no range: the client asks the session first.
    assert route.upload_puts == [
        "GET",
        "bytes 0-327679/720000",
        "bytes 327680-655359/720000",
        "bytes 655360-719999/720000",
    ]
    assert bytes(route.uploaded) == b"log line\n" * 80_000 and seen["big"] == "big.log"


def test_a_build_example_is_checked_and_shown_only_when_named(tmp_path: Path) -> None:
    shutil.copy(ROOT / "specs" / "seed.yaml", tmp_path / "s.yaml")
    config = '[[build]]\nname = "x"\nspec = "s.yaml"\noutput = "o"\npackage = "p"\n'
    (tmp_path / "apigen.toml").write_text(config + 'example = "app.py"\n')
    missing = run_cli("build", cwd=tmp_path)
    assert missing.returncode == 2 and "tool.apigen.build[0].example" in missing.stderr
    assert "Traceback" not in missing.stderr

    (tmp_path / "app.py").write_text('"""Shown."""\n\nprint("```")\n')
    fence = run_cli("build", cwd=tmp_path)
    assert fence.returncode == 2 and "app.py" in fence.stderr and "```" in fence.stderr
    assert not (tmp_path / "o").exists()  # nothing half-written

    (tmp_path / "app.py").write_text('"""Shown."""\n\nprint("hello")\n')
    assert run_cli("build", cwd=tmp_path).returncode == 0
    readme = (tmp_path / "o" / "README.md").read_text()
    assert (
        "## Example app\n" in readme and '```python\n"""Shown."""\n\nprint("hello")\n```' in readme
    )

    (tmp_path / "apigen.toml").write_text(config)
    assert run_cli("build", cwd=tmp_path).returncode == 0
    assert "## Example app" not in (tmp_path / "o" / "README.md").read_text()
