"""OData system query options, `params=` and `client.request()`, on the wire.

An SDK is built from three small API pages (list users, get a user, list messages) and run
against a scripted server on 127.0.0.1: each test reads back the raw request line and
headers the server received.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.http_server import ScriptedServer, redirect, reply, retry_after

from generator.pages.build import build
from generator.pages.parse import parse_text
from generator.sdk.load import load_api
from generator.sdk.render import PackageInfo, render_package
from generator.spec.io import parse_spec_text

TOKEN = "tok-odata-SECRET"


def _page(title: str, request: str, options: str, answer: str) -> str:
    return f"""---
title: "{title}"
doc_type: apiPageType
---

# {title}
Namespace: microsoft.graph

{title}.

## HTTP request

```http
{request}
```

## Optional query parameters

{options}

## Response

If successful, this method returns a `200 OK` response code and {answer} in the response body.
"""


PAGES = [
    _page(
        "List users",
        "GET /users",
        "This method supports the `$count`, `$search`, `$filter`, `$select`, and `$top` OData "
        "query parameters. `$skip` isn't supported.",
        "a collection of [user](../resources/user.md) objects",
    ),
    _page(
        "Get user",
        "GET /users/{id}",
        "This method supports the `$select` OData query parameter.",
        "a [user](../resources/user.md) object",
    ),
    _page(
        "List messages",
        "GET /me/messages",
        "This method supports OData query parameters.",
        "a collection of [message](../resources/message.md) objects",
    ),
]


def _spec() -> dict[str, Any]:
    return build([parse_text(text, f"page{i}.md") for i, text in enumerate(PAGES)]).spec


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The SDK apigen makes from `PAGES`, imported as `odata_sdk`."""
    folder = tmp_path_factory.mktemp("odata")
    api = load_api(parse_spec_text(json.dumps(_spec()), "spec.json"))
    for rel, text in render_package(api, PackageInfo("odata_sdk", "odata-sdk", "1.0.0")).items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("odata_sdk")
    finally:
        sys.path.remove(str(folder))
        for module in [m for m in sys.modules if m == "odata_sdk" or m.startswith("odata_sdk.")]:
            del sys.modules[module]


def _client(sdk: Any, server: ScriptedServer, **options: Any) -> Any:
    retry = sdk.RetryPolicy(max_attempts=2, backoff=0.0)
    return sdk.Client(server.url, token=TOKEN, timeout=5.0, retry=retry, **options)


def _query(path: str) -> str:
    return path.split("?", 1)[1] if "?" in path else ""


def _names(op: dict[str, Any], where: str) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p["in"] == where]


# -- the spec ------------------------------------------------------------------------------


def test_reads_of_collections_and_entities_get_the_options_graph_supports() -> None:
    paths = _spec()["paths"]
    users, user, messages = (paths[p]["get"] for p in ("/users", "/users/{userId}", "/me/messages"))
    # The page's own options first, then Graph's others, but `$skip`, which it refuses.
    assert _names(users, "query") == [
        "$count",
        "$search",
        "$filter",
        "$select",
        "$top",
        "$orderby",
        "$expand",
    ]
    assert _names(user, "query") == ["$select", "$expand"]
    assert sorted(_names(messages, "query")) == sorted(
        ["$top", "$skip", "$count", "$search", "$filter", "$orderby", "$select", "$expand"]
    )
    # Users are directory objects: `$search`/`$count` need the header, declared here.
    (header,) = [p for p in users["parameters"] if p["in"] == "header"]
    assert header["name"] == "ConsistencyLevel" and header["schema"]["enum"] == ["eventual"]
    assert _names(messages, "header") == []
    select = next(p for p in users["parameters"] if p["name"] == "$select")
    assert (select["style"], select["explode"]) == ("form", False)


def test_the_options_are_typed_keywords_with_docstrings(sdk: Any) -> None:
    import inspect

    signature = inspect.signature(sdk.Client.list_messages.__wrapped__)
    annotations = {n: p.annotation for n, p in signature.parameters.items()}
    assert annotations["select"] == "list[str] | UnsetType"
    assert annotations["expand"] == "list[str] | UnsetType"
    assert annotations["filter"] == "str | UnsetType"
    assert annotations["orderby"] == "list[str] | UnsetType"
    assert annotations["top"] == "int | UnsetType"
    assert annotations["skip"] == "int | UnsetType"
    assert annotations["count"] == "bool | UnsetType"
    assert annotations["search"] == "str | UnsetType"
    assert list(signature.parameters)[-2:] == ["params", "headers"]
    doc = sdk.Client.list_messages.__doc__
    assert "search: Search items" in doc and '\\"displayName:foo\\"' in doc.replace('"', '\\"')


# -- each option's raw query string --------------------------------------------------------


def test_each_option_as_it_goes_on_the_wire(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"value": []}))
    with _client(sdk, http_server) as client:
        items = client.list_messages(
            select=["id", "subject"],
            expand=["attachments"],
            filter="startswith(subject,'a b')",
            orderby=["receivedDateTime desc", "subject"],
            top=5,
            skip=10,
            count=True,
            search='"pizza"',
        )
        assert list(items) == []
    (seen,) = http_server.requests
    assert seen.url_path == "/me/messages"
    assert _query(seen.path) == (
        "$count=true"
        "&$expand=attachments"
        "&$filter=startswith%28subject%2C%27a%20b%27%29"
        "&$orderby=receivedDateTime%20desc,subject"
        "&$search=%22pizza%22"
        "&$select=id,subject"
        "&$skip=10"
        "&$top=5"
    )
    assert seen.query["$filter"] == ["startswith(subject,'a b')"]
    assert seen.query["$search"] == ['"pizza"']
    # Messages are no directory objects: no ConsistencyLevel, even with $search and $count.
    assert "ConsistencyLevel" not in seen.headers


def test_a_single_entity_takes_select_and_expand(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"id": "u1"}))
    with _client(sdk, http_server) as client:
        client.get_user("u1", select=["id", "mail"], expand=["manager"])
    (seen,) = http_server.requests
    assert seen.path == "/users/u1?$expand=manager&$select=id,mail"


# -- ConsistencyLevel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "sent"),
    [
        ({"search": '"displayName:al"'}, ["eventual"]),
        ({"count": True}, ["eventual"]),
        ({"count": True, "filter": "accountEnabled eq true"}, ["eventual"]),
        ({"count": False}, []),
        ({"top": 3}, []),
        ({"search": '"displayName:al"', "headers": {"consistencylevel": "eventual"}}, ["eventual"]),
        ({"search": '"displayName:al"', "consistency_level": "eventual"}, ["eventual"]),
    ],
)
def test_consistency_level_goes_with_search_and_count_on_directory_objects(
    sdk: Any, http_server: ScriptedServer, options: dict[str, Any], sent: list[str]
) -> None:
    http_server.script(reply(200, json={"value": []}))
    with _client(sdk, http_server) as client:
        list(client.list_users(**options))
    (seen,) = http_server.requests
    values = [v for k, v in seen.headers.items() if k.lower() == "consistencylevel"]
    assert values == sent


def test_a_client_wide_consistency_level_is_not_sent_twice(
    sdk: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(200, json={"value": []}))
    with _client(sdk, http_server, headers={"consistencylevel": "eventual"}) as client:
        list(client.list_users(count=True))
    (seen,) = http_server.requests
    assert [v for k, v in seen.headers.items() if k.lower() == "consistencylevel"] == ["eventual"]


def test_the_async_client_adds_the_header_too(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"value": [{"id": "u1"}]}))

    async def run() -> list[Any]:
        async with sdk.AsyncClient(http_server.url, token=TOKEN, timeout=5.0) as client:
            return [u async for u in client.list_users(search='"displayName:al"', top=1)]

    assert [u.to_dict() for u in asyncio.run(run())] == [{"id": "u1"}]
    (seen,) = http_server.requests
    assert seen.headers["ConsistencyLevel"] == "eventual"
    assert _query(seen.path) == "$search=%22displayName%3Aal%22&$top=1"


# -- params= ---------------------------------------------------------------------------------


def test_params_go_after_the_typed_options(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"value": []}), reply(200, json={"id": "u1"}))
    with _client(sdk, http_server) as client:
        list(client.list_users(top=2, params={"$skip": "4", "x-tag": "a&b=c"}))
        client.get_user("u1", params={"$format": "json"})
    first, second = http_server.requests
    assert _query(first.path) == "$top=2&$skip=4&x-tag=a%26b%3Dc"
    assert first.query["x-tag"] == ["a&b=c"]
    assert _query(second.path) == "$format=json"


@pytest.mark.parametrize("key", ["$top", "top", "$TOP", "$select"])
def test_a_params_key_that_is_a_typed_option_is_refused_before_sending(
    sdk: Any, http_server: ScriptedServer, key: str
) -> None:
    client = _client(sdk, http_server)
    with client, pytest.raises(ValueError, match="own query parameter"):
        list(client.list_users(params={key: "1"}))
    assert http_server.requests == ()


def test_params_must_be_strings(sdk: Any, http_server: ScriptedServer) -> None:
    with _client(sdk, http_server) as client, pytest.raises(TypeError, match="str to str"):
        client.get_user("u1", params={"x": 1})
    assert http_server.requests == ()


# -- client.request() ----------------------------------------------------------------------


def test_request_sends_under_the_base_url_with_the_token(
    sdk: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(200, json={"ok": True}), reply(201, json={"id": "n1"}))
    with _client(sdk, http_server) as client:
        got = client.request("get", "/me/drive/root/children", params={"$top": "2", "q": "a b"})
        made = client.request("POST", "groups", json={"displayName": "G", "n": None})
    assert got.status_code == 200 and got.json() == {"ok": True}
    assert made.status_code == 201 and made.json() == {"id": "n1"}
    first, second = http_server.requests
    assert first.method == "GET" and first.path == "/me/drive/root/children?$top=2&q=a%20b"
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert first.headers["client-request-id"]
    assert second.method == "POST" and second.url_path == "/groups"
    assert second.headers["Content-Type"] == "application/json"
    assert second.json() == {"displayName": "G", "n": None}


def test_request_sends_bytes_and_headers_as_given(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(204))
    with _client(sdk, http_server) as client:
        answer = client.request(
            "PUT", "/me/photo/$value", content=b"\x89PNG", headers={"Content-Type": "image/png"}
        )
    assert answer.status_code == 204
    (seen,) = http_server.requests
    assert seen.body == b"\x89PNG" and seen.headers["Content-Type"] == "image/png"


def test_request_follows_a_same_origin_absolute_url(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"value": []}))
    with _client(sdk, http_server) as client:
        client.request("GET", f"{http_server.url}/users?$skiptoken=abc", params={"$top": "1"})
    (seen,) = http_server.requests
    assert seen.path == "/users?$skiptoken=abc&$top=1"
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"


def test_request_refuses_another_origin_before_sending(
    sdk: Any, http_server: ScriptedServer, other_origin_server: ScriptedServer
) -> None:
    client = _client(sdk, http_server)
    with client, pytest.raises(ValueError, match="origin") as refused:
        client.request("GET", f"{other_origin_server.url}/steal?token=x")
    assert TOKEN not in str(refused.value) and "token=x" not in str(refused.value)
    assert other_origin_server.requests == () and http_server.requests == ()


def test_request_keeps_the_operations_error_retry_and_redirect_rules(
    sdk: Any, http_server: ScriptedServer, other_origin_server: ScriptedServer
) -> None:
    http_server.script(
        retry_after(0, 503),
        reply(200, json={"id": "u1"}),
        reply(404, json={"error": {"code": "Request_ResourceNotFound", "message": "gone"}}),
        redirect(f"{other_origin_server.url}/blob"),
    )
    other_origin_server.script(reply(200, b"bytes", headers={"Content-Type": "text/plain"}))
    with _client(sdk, http_server) as client:
        retried = client.request("GET", "/users/u1")
        with pytest.raises(sdk.NotFoundError) as missing:
            client.request("GET", "/users/nobody")
        moved = client.request("GET", "/me/drive/items/1/content")
    assert retried.json() == {"id": "u1"}
    assert missing.value.status == 404 and missing.value.code == "Request_ResourceNotFound"
    assert moved.content == b"bytes"  # the body read in full
    first, second = http_server.requests[:2]
    assert first.headers["client-request-id"] == second.headers["client-request-id"]
    (elsewhere,) = other_origin_server.requests
    assert "Authorization" not in elsewhere.headers


def test_request_takes_json_or_content_not_both(sdk: Any, http_server: ScriptedServer) -> None:
    with _client(sdk, http_server) as client, pytest.raises(ValueError, match="not both"):
        client.request("POST", "/x", json={}, content=b"{}")
    assert http_server.requests == ()


def test_async_request(sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"n": 1}))

    async def run() -> Any:
        async with sdk.AsyncClient(http_server.url, token=TOKEN, timeout=5.0) as client:
            return await client.request("PATCH", "/me", json={"n": 1}, params={"a": "1"})

    answer = asyncio.run(run())
    assert answer.json() == {"n": 1}
    (seen,) = http_server.requests
    assert seen.method == "PATCH" and seen.path == "/me?a=1" and seen.json() == {"n": 1}


def test_the_generated_sdk_passes_mypy_strict(sdk: Any) -> None:
    import subprocess

    folder = Path(sdk.__file__).parent
    user = folder.parent / "odata_user.py"
    user.write_text(
        "from odata_sdk import Client\n"
        "import httpx\n"
        "with Client('https://graph.microsoft.com/v1.0', token='t') as c:\n"
        "    users = list(c.list_users(select=['id'], count=True, params={'x': 'y'}))\n"
        "    r: httpx.Response = c.request('GET', '/me', params={'$select': 'id'})\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(folder), str(user)],
        capture_output=True,
        text=True,
        cwd=folder.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
