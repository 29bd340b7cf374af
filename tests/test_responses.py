"""Answers with their metadata, lists page by page, delta rounds and paging limits, on a real
HTTP server on 127.0.0.1.

A small spec (written here) has a list, a delta function, a get and a PATCH answering 204;
the SDK apigen generates from it is imported, and each story runs sync and async:
`client.with_response.<op>(...)` -> `ApiResponse`, `client.pages.<list op>(...)` -> `Page`s,
the flat call of a delta function ending with `.delta_link` and resuming from it, and a
`@odata.nextLink` chain that loops or runs too long ending in `PagingError`. A last test
type-checks user code with mypy --strict (and pyright when installed).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import imported_sdk
from support.http_server import ScriptedServer, reply, serve_two_origins

from generator.sdk.load_operations import is_delta

SPEC = """\
openapi: 3.0.3
info: {title: Resp, version: "1.0"}
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    item:
      type: object
      required: [name]
      properties:
        id: {type: string}
        name: {type: string}
    itemPage:
      type: object
      properties:
        value: {type: array, items: {$ref: "#/components/schemas/item"}}
        "@odata.nextLink": {type: string}
        "@odata.deltaLink": {type: string}
        "@odata.count": {type: integer}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: $top, in: query, schema: {type: integer}}
      responses:
        "200":
          description: a page
          content: {application/json: {schema: {$ref: "#/components/schemas/itemPage"}}}
  /items/delta():
    get:
      operationId: deltaItems
      responses:
        "200":
          description: a page of changes
          content: {application/json: {schema: {$ref: "#/components/schemas/itemPage"}}}
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getItem
      responses:
        "200":
          description: the item
          content: {application/json: {schema: {$ref: "#/components/schemas/item"}}}
    patch:
      operationId: updateItem
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/item"}}}
      responses:
        "204": {description: updated}
"""

TOKEN = "tok-51d0-SECRET"
ITEM = {"@odata.etag": 'W/"7"', "id": "1", "name": "one"}


@pytest.fixture(scope="module")
def resp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The SDK apigen generates from `SPEC`, imported as `resp_sdk`."""
    with imported_sdk(SPEC, "resp.yaml", "resp_sdk", tmp_path_factory.mktemp("resp")) as sdk:
        yield sdk


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, Iterator) else value


async def _drain(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


def in_client(sdk: Any, mode: str, url: str, story: Any, **options: Any) -> Any:
    """``story(client, get)``: ``get(x)`` is ``x`` (sync) or ``await x``/the listed async
    iterator (async), so one story body serves both clients. The story is a generator
    that yields what to resolve and receives the result."""
    settings = {"token": TOKEN, "timeout": 2.0, **options}
    if mode == "sync":
        with sdk.Client(url, **settings) as client:
            steps = story(client)
            value: Any = None
            try:
                while True:
                    value = _listed(steps.send(value))
            except StopIteration as stop:
                return stop.value

    async def main() -> Any:
        async with sdk.AsyncClient(url, **settings) as client:
            steps = story(client)
            value: Any = None
            try:
                while True:
                    pending = steps.send(value)
                    if hasattr(pending, "__anext__"):
                        value = await _drain(pending)
                    else:
                        value = await pending
            except StopIteration as stop:
                return stop.value

    return asyncio.run(main())


def base(server: ScriptedServer) -> str:
    return f"{server.url}/v1.0"


def page(items: list[Any], **links: Any) -> Any:
    return reply(200, json={"value": items, **links})


# --- with_response --------------------------------------------------------------------------


def test_with_response_carries_status_headers_etag_request_id_and_the_value(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(
        reply(200, json=ITEM, headers={"ETag": 'W/"8"', "request-id": "req-1"}),
        reply(200, json=ITEM, headers={"client-request-id": "cri-2"}),
    )

    def story(client: Any) -> Any:
        first = yield client.with_response.get_item("1")
        second = yield client.with_response.get_item("1")
        return first, second

    first, second = in_client(resp, mode, base(http_server), story)
    assert isinstance(first, resp.ApiResponse)
    assert isinstance(first.value, resp.Item) and first.value.name == "one"
    assert (first.status_code, first.etag, first.request_id) == (200, 'W/"8"', "req-1")
    assert first.headers["content-type"] == "application/json"
    assert (first.odata_count, first.next_link, first.delta_link) == (None, None, None)
    # Without an ETag header the body's `@odata.etag`; without request-id the echoed one.
    assert (second.etag, second.request_id) == ('W/"7"', "cri-2")
    assert [r.path for r in http_server.requests] == ["/v1.0/items/1"] * 2
    assert "status_code=200" in repr(first) and "etag='W/\"8\"'" in repr(first)


def test_an_update_answering_204_gives_none_with_status_and_etag(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(reply(204, headers={"ETag": 'W/"9"', "request-id": "req-3"}))

    def story(client: Any) -> Any:
        return (yield client.with_response.update_item("1", {"name": "two"}))

    answer = in_client(resp, mode, base(http_server), story)
    assert (answer.value, answer.status_code, answer.etag, answer.request_id) == (
        None,
        204,
        'W/"9"',
        "req-3",
    )
    assert http_server.requests[0].method == "PATCH"
    assert http_server.requests[0].body == b'{"name":"two"}'


def test_with_response_on_a_list_is_its_first_page_with_count_and_next_link(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(page([ITEM], **{"@odata.count": 3, "@odata.nextLink": "items?$skiptoken=2"}))

    def story(client: Any) -> Any:
        return (yield client.with_response.list_items(top=1))

    answer = in_client(resp, mode, base(http_server), story)
    assert [item.name for item in answer.value] == ["one"]
    assert answer.odata_count == 3
    # Links are given absolute, resolved against the page's URL.
    assert answer.next_link == f"{base(http_server)}/items?$skiptoken=2"
    assert len(http_server.requests) == 1


# --- pages --------------------------------------------------------------------------------


def test_pages_yield_each_page_with_its_links_count_status_and_headers(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    second = f"{base(http_server)}/items?$skiptoken=B"
    http_server.script(
        page([ITEM, {"id": "2", "name": "two"}], **{"@odata.count": 3, "@odata.nextLink": second}),
        page([{"id": "3", "name": "three"}]),
    )

    def story(client: Any) -> Any:
        return (yield client.pages.list_items(top=2))

    pages = in_client(resp, mode, base(http_server), story)
    assert [type(p) for p in pages] == [resp.Page, resp.Page]
    assert [[i.name for i in p.items] for p in pages] == [["one", "two"], ["three"]]
    assert [p.next_link for p in pages] == [second, None]
    assert [p.count for p in pages] == [3, None]
    assert [p.delta_link for p in pages] == [None, None]
    assert [p.status_code for p in pages] == [200, 200]
    assert pages[0].headers["content-type"] == "application/json"
    assert [r.path for r in http_server.requests] == [
        "/v1.0/items?$top=2",
        "/v1.0/items?$skiptoken=B",
    ]


def test_pages_has_list_operations_only(resp: Any) -> None:
    client = resp.Client("http://127.0.0.1:9/v1.0")
    with pytest.raises(AttributeError, match="get_item is not a list operation"):
        client.pages.get_item  # noqa: B018
    assert "list_items" in repr(client.pages.list_items)


# --- delta ------------------------------------------------------------------------------------


def test_a_delta_round_ends_with_its_link_and_resumes_from_it(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    origin = base(http_server)
    http_server.script(
        page([ITEM], **{"@odata.nextLink": f"{origin}/items/delta()?$skiptoken=S1"}),
        page(
            [{"id": "2", "name": "two"}],
            **{"@odata.deltaLink": f"{origin}/items/delta()?$deltatoken=D1"},
        ),
        page(
            [{"id": "2", "@removed": {"reason": "deleted"}}],
            **{"@odata.deltaLink": f"{origin}/items/delta()?$deltatoken=D2"},
        ),
    )
    seen: dict[str, Any] = {}

    def story(client: Any) -> Any:
        first = client.delta_items()
        seen["before"] = first.delta_link
        items = yield first
        changes = client.delta_items(delta_link=first.delta_link)
        removed = yield changes
        return items, first.delta_link, removed, changes.delta_link

    items, link, removed, next_link = in_client(resp, mode, origin, story)
    assert seen["before"] is None  # set only once the round is read
    assert [i.name for i in items] == ["one", "two"]
    assert link == f"{origin}/items/delta()?$deltatoken=D1"
    # A removed item is a model with `@removed` kept among its additional data.
    assert isinstance(removed[0], resp.Item) and removed[0].id == "2"
    assert removed[0].additional_data == {"@removed": {"reason": "deleted"}}
    assert next_link == f"{origin}/items/delta()?$deltatoken=D2"
    assert [r.path for r in http_server.requests] == [
        "/v1.0/items/delta()",
        "/v1.0/items/delta()?$skiptoken=S1",
        "/v1.0/items/delta()?$deltatoken=D1",
    ]
    assert {r.headers["Authorization"] for r in http_server.requests} == {f"Bearer {TOKEN}"}


def test_strict_mode_checks_items_but_not_removed_ones(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    removed = {"id": "2", "@removed": {"reason": "deleted"}}  # no `name`, which is required
    http_server.script(
        page([ITEM, removed], **{"@odata.deltaLink": "delta()?$deltatoken=D"}),
        page([{"id": "3"}]),
    )

    def story(client: Any) -> Any:
        changes = yield client.delta_items()
        yield client.delta_items()
        return changes

    with pytest.raises(resp.ResponseValidationError, match="name"):
        in_client(resp, mode, base(http_server), story, strict=True)
    assert len(http_server.requests) == 2


def test_pages_of_a_delta_round_carry_the_delta_link(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(page([ITEM], **{"@odata.deltaLink": "delta()?$deltatoken=D"}))

    def story(client: Any) -> Any:
        return (yield client.pages.delta_items())

    (only,) = in_client(resp, mode, base(http_server), story)
    assert only.delta_link == f"{base(http_server)}/items/delta()?$deltatoken=D"


def test_a_saved_delta_link_on_another_origin_gets_no_token(resp: Any, mode: str) -> None:
    with serve_two_origins() as (home, other):
        other.script(page([], **{"@odata.deltaLink": f"{other.url}/d?$deltatoken=E"}))

        def story(client: Any) -> Any:
            changes = client.delta_items(delta_link=f"{other.url}/d?$deltatoken=D")
            yield changes
            return changes.delta_link

        link = in_client(resp, mode, base(home), story)
        assert link == f"{other.url}/d?$deltatoken=E"
        assert [r.path for r in other.requests] == ["/d?$deltatoken=D"]
        assert "Authorization" not in other.requests[0].headers
        assert home.requests == ()


def test_a_delta_link_that_is_no_url_is_a_value_error(resp: Any) -> None:
    client = resp.Client("http://127.0.0.1:9/v1.0", token=TOKEN)
    with pytest.raises(ValueError, match="delta_link must be"):
        list(client.delta_items(delta_link="http://[::1"))


def test_delta_operations_are_the_paths_ending_in_delta() -> None:
    assert is_delta("/users/delta") and is_delta("/users/delta()")
    assert is_delta("/me/drive/root/microsoft.graph.delta()")
    assert is_delta("/drives/{id}/root/delta(token='{token}')")
    assert not is_delta("/users/deltaLinks") and not is_delta("/delta/users")


# --- paging limits -------------------------------------------------------------------------


def test_a_next_link_back_to_a_page_already_read_raises_paging_error(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    origin = base(http_server)
    http_server.script(
        page([ITEM], **{"@odata.nextLink": f"{origin}/items?$skiptoken=2"}),
        page([ITEM], **{"@odata.nextLink": f"{origin}/items?$skiptoken=2"}),
    )

    def story(client: Any) -> Any:
        return (yield client.list_items())

    with pytest.raises(resp.PagingError, match="already read after 2 pages") as caught:
        in_client(resp, mode, origin, story)
    assert isinstance(caught.value, resp.SdkError)
    assert "skiptoken" not in str(caught.value)  # the query (tokens) is left out
    assert len(http_server.requests) == 2


def test_a_chain_longer_than_max_pages_raises_paging_error(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    origin = base(http_server)
    http_server.script(
        *(page([ITEM], **{"@odata.nextLink": f"{origin}/items?$skiptoken={n}"}) for n in range(3))
    )

    def story(client: Any) -> Any:
        return (yield client.pages.list_items())

    with pytest.raises(resp.PagingError, match="more than max_pages=3 pages"):
        in_client(resp, mode, origin, story, max_pages=3)
    assert len(http_server.requests) == 3


def test_max_pages_must_be_positive_and_defaults_to_100000(resp: Any) -> None:
    with pytest.raises(ValueError, match="max_pages must be at least 1"):
        resp.Client("http://127.0.0.1:9/v1.0", max_pages=0)
    assert resp.Client("http://127.0.0.1:9/v1.0")._core.max_pages == 100_000


# --- types ----------------------------------------------------------------------------------

USER_CODE = """from collections.abc import AsyncIterator, Iterator

from learning_sdk import (
    ApiResponse,
    AsyncClient,
    Client,
    LearningCourseActivity,
    Page,
)


def read(client: Client) -> None:
    got: ApiResponse[LearningCourseActivity] = client.with_response.get_learning_course_activity(
        "id"
    )
    updated: ApiResponse[None] = client.with_response.update_learning_course_activity(
        "reg", "id", {"status": "completed"}
    )
    first: ApiResponse[list[LearningCourseActivity]] = (
        client.with_response.list_learning_course_activities(top=1)
    )
    pages: Iterator[Page[LearningCourseActivity]] = client.pages.list_learning_course_activities()
    print(got.value.id, got.etag, updated.status_code, first.next_link, pages)


async def aread(client: AsyncClient) -> None:
    got: ApiResponse[LearningCourseActivity] = (
        await client.with_response.get_learning_course_activity("id")
    )
    pages: AsyncIterator[Page[LearningCourseActivity]] = (
        client.pages.list_learning_course_activities()
    )
    print(got.value.id, pages)
"""

WRONG = {
    "wrong value type": (
        "    got: ApiResponse[LearningCourseActivity] = client.with_response.get_learning_course_activity(\n",
        "    got: ApiResponse[str] = client.with_response.get_learning_course_activity(\n",
    ),
    "wrong parameter type": ('        "id"\n    )\n    updated', "        42\n    )\n    updated"),
    "not a list operation": (
        "client.pages.list_learning_course_activities()\n    print(got.value.id, got.etag",
        "client.pages.get_learning_course_activity('id')\n    print(got.value.id, got.etag",
    ),
    "async not awaited": (
        "        await client.with_response.get_learning_course_activity",
        "        client.with_response.get_learning_course_activity",
    ),
}


def _mypy(use: Path) -> tuple[int, str]:
    from mypy import api as mypy_api

    cache = use.parent / ".mypy_cache"  # shared by the runs: the SDK is checked once
    out, err, status = mypy_api.run(["--strict", "--cache-dir", str(cache), str(use)])
    return status, out + err


def _pyright(use: Path) -> tuple[int, str]:
    pyright = shutil.which("pyright") or shutil.which(
        "pyright", path=str(Path(sys.executable).parent)
    )
    if pyright is None:
        return -1, "pyright is not installed"
    done = subprocess.run(
        [pyright, str(use)],
        check=False,
        cwd=use.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


REVEAL = """\
from learning_sdk import AsyncClient, Client
from resp_sdk import AsyncClient as DeltaAsyncClient, Client as DeltaClient


def show(client: Client, aclient: AsyncClient, d: DeltaClient, ad: DeltaAsyncClient) -> None:
    reveal_type(client.with_response.get_learning_course_activity("id"))
    reveal_type(aclient.with_response.update_learning_course_activity)
    reveal_type(client.pages.list_learning_course_activities(top=1))
    reveal_type(d.delta_items(delta_link="saved"))
    reveal_type(ad.delta_items())
    reveal_type(ad.pages.delta_items())
"""

# What each line of REVEAL shows: (mypy's spelling, pyright's).
REVEALED = [
    (
        "ApiResponse[learning_sdk.models._learning_course_activity.LearningCourseActivity]",
        "ApiResponse[LearningCourseActivity]",
    ),
    (
        "-> typing.Awaitable[learning_sdk._response.ApiResponse[None]]",
        "-> Awaitable[ApiResponse[None]]",
    ),
    (
        "typing.Iterator[learning_sdk._response.Page[learning_sdk.models._learning_course_activity.LearningCourseActivity]]",
        "Iterator[Page[LearningCourseActivity]]",
    ),
    ("resp_sdk._response.DeltaIterator[resp_sdk.models._item.Item]", "DeltaIterator[Item]"),
    ("resp_sdk._response.AsyncDeltaIterator[resp_sdk.models._item.Item]", "AsyncDeltaIterator[Item]"),
    (
        "typing.AsyncIterator[resp_sdk._response.Page[resp_sdk.models._item.Item]]",
        "AsyncIterator[Page[Item]]",
    ),
]


def test_with_response_and_pages_are_typed_for_mypy_and_pyright(resp: Any, tmp_path: Path) -> None:
    sdk = Path(__file__).resolve().parents[1] / "generated" / "learning"
    shutil.copytree(sdk / "learning_sdk", tmp_path / "learning_sdk")
    shutil.copytree(Path(resp.__file__).parent, tmp_path / "resp_sdk")
    shown = tmp_path / "show.py"
    shown.write_text(REVEAL)
    _, mypy_out = _mypy(shown)
    mypy_lines = [line for line in mypy_out.splitlines() if "Revealed type" in line]
    assert len(mypy_lines) == len(REVEALED), mypy_out
    for line, (expected, _) in zip(mypy_lines, REVEALED):
        assert expected in line, line
    pyright_status, pyright_out = _pyright(shown)
    if pyright_status != -1:
        pyright_lines = [line for line in pyright_out.splitlines() if "Type of" in line]
        assert len(pyright_lines) == len(REVEALED), pyright_out
        for line, (_, expected) in zip(pyright_lines, REVEALED):
            assert expected in line, line
    use = tmp_path / "use.py"
    use.write_text(USER_CODE)
    status, out = _mypy(use)
    assert status == 0, out
    for what, (old, new) in WRONG.items():
        assert old in USER_CODE, what
        use.write_text(USER_CODE.replace(old, new))
        status, out = _mypy(use)
        assert status == 1, f"{what}: {out}"
    # pyright, when installed (it is in the project's venv), agrees on the good file and
    # on a wrong value type.
    use.write_text(USER_CODE)
    status, out = _pyright(use)
    if status != -1:
        assert status == 0, out
        old, new = WRONG["wrong value type"]
        use.write_text(USER_CODE.replace(old, new))
        status, out = _pyright(use)
        assert status == 1 and "ApiResponse[str]" in out, out


# --- links whose host is no name ------------------------------------------------------------


def test_a_next_link_without_a_host_name_is_the_clients_own_error(
    resp: Any, mode: str, http_server: ScriptedServer
) -> None:
    """`https://...` (a placeholder in Graph's examples, served as is by mocks) once made
    httpx raise a bare UnicodeError out of the listing."""
    http_server.script(page([ITEM], **{"@odata.nextLink": "https://..."}))

    def story(client: Any) -> Any:
        return (yield client.list_items())

    with pytest.raises(resp.ResponseDecodeError, match="`@odata.nextLink` that is not a URL"):
        in_client(resp, mode, base(http_server), story)
    assert len(http_server.requests) == 1


@pytest.mark.parametrize("link", ["https://.../v1.0/items/delta()", "https://a..b/delta()"])
def test_a_delta_link_or_redirect_without_a_host_name_is_the_clients_own_error(
    resp: Any, mode: str, http_server: ScriptedServer, link: str
) -> None:
    def resume(client: Any) -> Any:
        return (yield client.delta_items(delta_link=link))

    with pytest.raises(resp.InvalidRequestError, match="its host is not a valid name"):
        in_client(resp, mode, base(http_server), resume)
    assert http_server.requests == ()

    http_server.script(reply(302, headers={"Location": link}))

    def follow(client: Any) -> Any:
        return (yield client.list_items())

    with pytest.raises(resp.InvalidRequestError, match="its host is not a valid name"):
        in_client(resp, mode, base(http_server), follow)
    assert len(http_server.requests) == 1
