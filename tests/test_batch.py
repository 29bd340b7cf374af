"""JSON batching in the generated SDK (`client.batch()`), checked on a `$batch` server on 127.0.0.1.

One small Graph-like spec (written here) is generated with apigen and imported; each test adds
calls to a batch and reads back the `$batch` request the server received (each item's method,
relative URL, headers, JSON body, dependsOn) and the results the items hold: decoded models,
None for 204, the typed ApiError of an item's error, strict mode's checks, throttled items sent
again alone, more than 20 calls split, and what cannot go in a batch.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from helpers import imported, write_sdk
from support.http_server import BatchItemAnswer, ScriptedServer, batch, graph_error, reply

SPEC = """\
openapi: 3.0.3
info: {title: Batchy, version: "1.0"}
servers: [{url: "https://graph.example.com/v1.0"}]
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    User:
      type: object
      required: [id]
      properties:
        id: {type: string}
        displayName: {type: string}
        age: {type: integer}
    UserList:
      type: object
      properties:
        value: {type: array, items: {$ref: "#/components/schemas/User"}}
        "@odata.nextLink": {type: string}
paths:
  /users:
    get:
      operationId: listUsers
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/UserList"}}}}
    post:
      operationId: createUser
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
      responses:
        "201": {description: made, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}
  /users/{user-id}:
    get:
      operationId: getUser
      parameters:
        - {name: user-id, in: path, required: true, schema: {type: string}}
        - {name: $select, in: query, explode: false, schema: {type: array, items: {type: string}}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}
    patch:
      operationId: updateUser
      parameters:
        - {name: user-id, in: path, required: true, schema: {type: string}}
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
      responses: {"204": {description: done}}
  /users/{user-id}/photo:
    get:
      operationId: getPhoto
      parameters:
        - {name: user-id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: the photo, content: {image/png: {schema: {type: string, format: binary}}}}
    put:
      operationId: putPhoto
      parameters:
        - {name: user-id, in: path, required: true, schema: {type: string}}
      requestBody:
        content: {image/png: {schema: {type: string, format: binary}}}
      responses: {"204": {description: done}}
  /keyed:
    get:
      operationId: keyed
      security: [{key: []}]
      responses: {"204": {description: done}}
"""

TOKEN = "tok-77aa-SECRET"


@pytest.fixture(scope="module")
def sdk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SDK apigen generates from `SPEC`, written as package `batch_sdk`."""
    return write_sdk(SPEC, "batch.yaml", "batch_sdk", tmp_path_factory.mktemp("batch"))


@pytest.fixture(scope="module")
def sdk(sdk_dir: Path) -> Iterator[Any]:
    with imported(sdk_dir, "batch_sdk") as package:
        yield package


def _client(sdk: Any, server: ScriptedServer, **options: Any) -> Any:
    options.setdefault("retry", sdk.RetryPolicy(max_attempts=3, backoff=0.0))
    return sdk.Client(f"{server.url}/v1.0", token=TOKEN, timeout=2.0, **options)


def _user(item: dict[str, Any]) -> BatchItemAnswer:
    """A `$batch` item answered as Graph would for this spec's user operations."""
    user_id = unquote(item["url"].split("?")[0].split("/")[2])
    if item["method"] == "PATCH":
        return 204, {}, None
    if user_id == "missing":
        error = graph_error(404, "Request_ResourceNotFound", "no user", request_id="rid-404")
        return (
            404,
            {"Content-Type": "application/json", "request-id": "rid-404"},
            json.loads(error.body),
        )
    return 200, {"Content-Type": "application/json"}, {"id": user_id, "displayName": "Ann"}


def test_items_are_encoded_as_graph_expects(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(batch(_user))
    client = _client(sdk, http_server, headers={"Prefer": "return=minimal"})
    with client, client.batch() as b:
        first = b.add(sdk.Client.get_user, "a b/c", select=["id", "display name"], x_trace="t1")
        second = b.after(first).add(
            sdk.Client.update_user, "a b/c", sdk.User(id="a", display_name="Ann")
        )
        third = b.add(sdk.Client.get_user, "x", headers={"If-None-Match": "W/1", "prefer": "x"})
    (request,) = http_server.requests
    assert (request.method, request.path) == ("POST", "/v1.0/$batch")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"  # once, on $batch
    assert request.headers["Content-Type"] == "application/json"
    items = request.json()["requests"]
    assert items[0] == {
        "id": "1",
        "method": "GET",
        "url": "/users/a%20b%2Fc?$select=id,display%20name",
        "headers": {"Prefer": "return=minimal", "X-Trace": "t1"},
    }
    assert items[1] == {
        "id": "2",
        "method": "PATCH",
        "url": "/users/a%20b%2Fc",
        "headers": {"Prefer": "return=minimal", "Content-Type": "application/json"},
        "body": {"id": "a", "displayName": "Ann"},
        "dependsOn": ["1"],
    }
    assert items[2]["headers"] == {"prefer": "x", "If-None-Match": "W/1"}  # the call's wins
    assert "dependsOn" not in items[2]
    assert first.result() == sdk.User(id="a b/c", display_name="Ann")
    assert second.result() is None and second.status == 204
    assert third.result().id == "x"


def test_item_errors_are_the_calls_own_typed_errors(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(batch(_user))
    with _client(sdk, http_server) as client, client.batch() as b:
        found = b.add(sdk.Client.get_user, "u1")
        missing = b.add(sdk.Client.get_user, "missing")
    assert found.result().id == "u1"
    with pytest.raises(sdk.NotFoundError) as caught:
        missing.result()
    error = caught.value
    assert (error.status, error.code, error.request_id) == (
        404,
        "Request_ResourceNotFound",
        "rid-404",
    )
    assert error.method == "GET" and error.url.endswith("/v1.0/users/missing")
    assert missing.status == 404 and missing.headers["request-id"] == "rid-404"


def test_a_failed_dependency_is_a_424_api_error(sdk: Any, http_server: ScriptedServer) -> None:
    def answer(item: dict[str, Any]) -> BatchItemAnswer:
        if item.get("dependsOn"):
            return 424, {}, {"error": {"code": "FailedDependency", "message": "dependency"}}
        return _user(item)

    http_server.script(batch(answer))
    with _client(sdk, http_server) as client, client.batch() as b:
        first = b.add(sdk.Client.get_user, "missing")
        then = b.after(first).add(sdk.Client.update_user, "missing", {"displayName": "x"})
    with pytest.raises(sdk.ApiError) as caught:
        then.result()
    assert caught.value.status == 424 and caught.value.code == "FailedDependency"


def test_strict_mode_checks_each_answer(sdk: Any, http_server: ScriptedServer) -> None:
    def answer(item: dict[str, Any]) -> BatchItemAnswer:
        return 200, {}, {"id": "u", "age": "old"}

    http_server.script(batch(answer), batch(answer), reply(200, json={"id": "u", "age": "old"}))
    with _client(sdk, http_server, strict=True) as client, client.batch() as b:
        item = b.add(sdk.Client.get_user, "u")
        with pytest.raises(sdk.RequestValidationError, match="age"):  # checked when added
            b.add(sdk.Client.create_user, {"id": "v", "age": "old"})
    with pytest.raises(sdk.ResponseValidationError, match="age"):
        item.result()
    with _client(sdk, http_server) as client:
        with client.batch() as b:
            item = b.add(sdk.Client.get_user, "u")
        alone = client.get_user("u")
    assert item.result() == alone  # not strict: decoded just as the same call alone


def test_throttled_items_alone_are_sent_again(sdk: Any, http_server: ScriptedServer) -> None:
    throttled = {"2": 1, "3": 2}  # id -> how many more times it answers 429

    def answer(item: dict[str, Any]) -> BatchItemAnswer:
        if throttled.get(item["id"], 0) > 0:
            throttled[item["id"]] -= 1
            return 429, {"Retry-After": "0"}, {"error": {"code": "TooManyRequests", "message": "s"}}
        return _user(item)

    http_server.script(batch(answer), batch(answer), batch(answer))
    with _client(sdk, http_server) as client, client.batch() as b:
        items = [b.add(sdk.Client.get_user, f"u{n}") for n in range(1, 4)]
    sent = [[i["id"] for i in r.json()["requests"]] for r in http_server.requests]
    assert sent == [["1", "2", "3"], ["2", "3"], ["3"]]
    assert [item.result().id for item in items] == ["u1", "u2", "u3"]
    assert len({r.headers["client-request-id"] for r in http_server.requests}) == 3


def test_throttling_past_the_policy_is_a_throttled_error(
    sdk: Any, http_server: ScriptedServer
) -> None:
    def answer(item: dict[str, Any]) -> BatchItemAnswer:
        if item.get("dependsOn"):
            return 424, {}, {"error": {"code": "FailedDependency", "message": "d"}}
        return 429, {"Retry-After": "0"}, {"error": {"code": "TooManyRequests", "message": "s"}}

    http_server.script(batch(answer), batch(answer))
    policy = sdk.RetryPolicy(max_attempts=2, backoff=0.0)
    with _client(sdk, http_server, retry=policy) as client, client.batch() as b:
        first = b.add(sdk.Client.get_user, "u1")
        then = b.after(first).add(sdk.Client.update_user, "u1", {"displayName": "x"})
    second = http_server.requests[1].json()["requests"]
    assert [(i["id"], i.get("dependsOn")) for i in second] == [("1", None), ("2", ["1"])]
    with pytest.raises(sdk.ThrottledError) as caught:
        first.result()
    assert caught.value.retry_after == 0.0
    with pytest.raises(sdk.ApiError):
        then.result()


def test_a_failed_batch_request_follows_the_transport_rules(
    sdk: Any, http_server: ScriptedServer
) -> None:
    http_server.script(
        graph_error(503, "ServiceUnavailable", "busy", headers={"Retry-After": "0"}),
        graph_error(401, "InvalidAuthenticationToken", "expired"),
    )
    with _client(sdk, http_server) as client:
        b = client.batch()
        item = b.add(sdk.Client.get_user, "u1")
        with pytest.raises(sdk.AuthError):
            b.send()
    assert len(http_server.requests) == 2  # the 503 was retried as any request
    with pytest.raises(sdk.BatchError, match="no answer"):
        item.result()


def test_more_than_20_calls_are_split_keeping_tied_calls_together(
    sdk: Any, http_server: ScriptedServer
) -> None:
    http_server.script(batch(_user), batch(_user))
    with _client(sdk, http_server) as client, client.batch() as b:
        items = [b.add(sdk.Client.get_user, f"u{n}") for n in range(1, 20)]
        items.append(b.after(items[0]).add(sdk.Client.get_user, "u20"))
        items.append(b.after(items[1]).add(sdk.Client.get_user, "u21"))
    sent = [[i["id"] for i in r.json()["requests"]] for r in http_server.requests]
    # Each item with what it depends on, groups in the order added, 20 to a request.
    assert sent == [["1", "20", "2", "21", *(str(n) for n in range(3, 19))], ["19"]]
    assert [item.result().id for item in items] == [f"u{n}" for n in range(1, 22)]


def test_21_tied_calls_are_refused_before_sending(sdk: Any, http_server: ScriptedServer) -> None:
    with _client(sdk, http_server) as client:
        b = client.batch()
        item = b.add(sdk.Client.get_user, "u0")
        for n in range(1, 21):
            item = b.after(item).add(sdk.Client.get_user, f"u{n}")
        with pytest.raises(sdk.BatchError, match="21 requests are tied together"):
            b.send()
    assert http_server.requests == ()


def test_what_cannot_go_in_a_batch_is_refused(sdk: Any, http_server: ScriptedServer) -> None:
    with _client(sdk, http_server, api_key="k") as client:
        b = client.batch()
        for op, args, reason in [
            (sdk.Client.list_users, (), "list operation"),
            (sdk.Client.get_photo, ("u",), "answer is binary"),
            (sdk.Client.put_photo, ("u", b"png"), "body is binary"),
            (sdk.Client.keyed, (), "other credentials"),
        ]:
            with pytest.raises(sdk.BatchError, match=reason):
                b.add(op, *args)
        elsewhere = sdk._http.get("http://other.example/users")(lambda self: None)
        with pytest.raises(sdk.BatchError, match="is not under the base URL"):
            b.add(elsewhere)
        with pytest.raises(sdk.BatchError, match="as Client.<name>"):
            b.add(client.get_user, "u")
        with pytest.raises(TypeError):
            b.add(sdk.Client.get_user, "u", nonsense=1)
        other = client.batch().add(sdk.Client.get_user, "u")
        with pytest.raises(sdk.BatchError, match="items of this batch"):
            b.after(other).add(sdk.Client.get_user, "v")
        assert len(b) == 0
    assert http_server.requests == ()


def test_a_block_that_raises_sends_nothing(sdk: Any, http_server: ScriptedServer) -> None:
    with _client(sdk, http_server) as client:
        with pytest.raises(RuntimeError), client.batch() as b:
            item = b.add(sdk.Client.get_user, "u")
            raise RuntimeError("stop")
        with pytest.raises(sdk.BatchError):
            item.result()
        http_server.script(batch(_user))
        b.send()
        with pytest.raises(sdk.BatchError, match="sent already"):
            b.add(sdk.Client.get_user, "v")
        with pytest.raises(sdk.BatchError, match="sent already"):
            b.send()
    assert item.result().id == "u"


def test_async_batch(sdk: Any, http_server: ScriptedServer) -> None:
    throttled = {"2": 1}

    def answer(item: dict[str, Any]) -> BatchItemAnswer:
        if throttled.get(item["id"], 0) > 0:
            throttled[item["id"]] -= 1
            return 503, {"Retry-After": "0"}, None
        return _user(item)

    http_server.script(batch(answer), batch(answer))

    async def run() -> list[Any]:
        retry = sdk.RetryPolicy(max_attempts=3, backoff=0.0)
        url = f"{http_server.url}/v1.0"
        client = sdk.AsyncClient(url, token=TOKEN, timeout=2.0, retry=retry)
        async with client, client.batch() as b:
            first = b.add(sdk.AsyncClient.get_user, "u1")
            second = b.after(first).add(sdk.AsyncClient.update_user, "u1", {"age": 3})
            missing = b.add(sdk.AsyncClient.get_user, "missing")
        with pytest.raises(sdk.NotFoundError):
            missing.result()
        return [first.result(), second.result()]

    user, updated = asyncio.run(run())
    assert user.id == "u1" and updated is None
    first, again = (r.json()["requests"] for r in http_server.requests)
    assert first[1]["body"] == {"age": 3} and first[1]["dependsOn"] == ["1"]
    assert [i["id"] for i in again] == ["2"] and "dependsOn" not in again[0]


USER_CODE = """\
from batch_sdk import AsyncClient, BatchItem, Client, User


def sync_use(client: Client) -> str | None:
    with client.batch() as b:
        first = b.add(Client.get_user, "id", select=["id"])
        second = b.after(first).add(Client.update_user, "id", User(id="id"))
    user: User = first.result()
    nothing: None = second.result()
    held: BatchItem[User] = first
    assert nothing is None and held
    return user.display_name if isinstance(user.display_name, str) else None


async def async_use(client: AsyncClient) -> User:
    async with client.batch() as b:
        item = b.add(AsyncClient.get_user, "id")
    return item.result()
"""

WRONG_CODE = """\
from batch_sdk import Client


def wrong(client: Client) -> None:
    with client.batch() as b:
        item = b.add(Client.get_user, 42)
        b.add(Client.list_users)
    text: str = item.result()
"""


def _mypy(sdk_dir: Path, tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "use_batch.py").write_text(code, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use_batch.py"],
        cwd=tmp_path,
        env={"MYPYPATH": str(sdk_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_batch_results_type_check_under_mypy_strict(sdk_dir: Path, tmp_path: Path) -> None:
    good = _mypy(sdk_dir, tmp_path, USER_CODE)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _mypy(sdk_dir, tmp_path, WRONG_CODE)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert 'incompatible type "int"; expected "str"' in bad.stdout
    assert 'Incompatible types in assignment (expression has type "User"' in bad.stdout
    assert "PagedOperation" in bad.stdout  # a list operation is not an Operation
