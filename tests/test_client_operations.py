"""Operations written once in `_Operations` behave as methods of both clients.

The edge SDK's operations carry path, query and header parameters, a JSON body and a paged
list; each call goes to a real HTTP server on 127.0.0.1, which records what arrived.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from support.http_server import ScriptedServer, reply


def _thing(thing_id: str) -> dict[str, Any]:
    return {"id": thing_id, "displayName": thing_id, "@odata.type": "#example.thing"}


def test_parameters_go_to_their_places_by_name(edge_sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(
        reply(200, json={"value": [_thing("a")], "@odata.nextLink": f"{http_server.url}/p2"}),
        reply(200, json={"value": [_thing("b")]}),
        reply(200, json=["small"]),
        reply(204),
    )
    with edge_sdk.Client(http_server.url) as client:
        listed = list(client.things_list_things(top=5, consistency_level="eventual", filter="x eq 1"))
        sizes = client.things_tags_set_tag_counts("t/1", "red tag", {"n": 2})
        deleted = client.things_delete_thing("t1", if_match='W/"3"')
    first, _, put, delete = http_server.requests
    assert [t.id for t in listed] == ["a", "b"]
    assert first.url_path == "/things"
    assert first.query == {"$filter": ["x eq 1"], "$top": ["5"]}
    assert first.headers["ConsistencyLevel"] == "eventual"
    assert (put.method, put.url_path, put.json()) == ("PUT", "/things/t%2F1/tags/red%20tag", {"n": 2})
    assert sizes == [edge_sdk.Size("small")]
    assert (delete.method, delete.url_path, delete.headers["If-Match"]) == ("DELETE", "/things/t1", 'W/"3"')
    assert deleted is None


def test_async_client_runs_the_same_operations(edge_sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json={"value": [_thing("a"), _thing("b")]}), reply(204))

    async def run() -> tuple[list[str], Any]:
        async with edge_sdk.AsyncClient(http_server.url) as client:
            names = [t.id async for t in client.things_list_things(top=2)]
            return names, await client.things_delete_thing("t1")

    assert asyncio.run(run()) == (["a", "b"], None)
    listed, deleted = http_server.requests
    assert listed.query == {"$top": ["2"]} and deleted.method == "DELETE"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing a required argument: 'thing_id'"),
        (("t1", "extra"), {}, "too many positional arguments"),
        (("t1",), {"nope": 1}, "unexpected keyword argument 'nope'"),
        (("t1", 'W/"1"'), {}, "too many positional arguments"),  # headers are keyword-only
    ],
)
def test_a_wrong_call_raises_type_error_before_sending(
    edge_sdk: Any, http_server: ScriptedServer, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with edge_sdk.Client(http_server.url) as client, pytest.raises(TypeError, match=message):
        client.things_delete_thing(*args, **kwargs)
    assert http_server.requests == ()


def test_operations_look_like_methods(edge_sdk: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(204))
    op = edge_sdk.Client.things_delete_thing
    assert op is edge_sdk.AsyncClient.things_delete_thing  # written once
    assert op.__doc__.startswith("Delete a thing: `DELETE /things/{thing-id}`")
    assert list(inspect.signature(op).parameters) == ["self", "thing_id", "if_match", "params", "headers"]
    with edge_sdk.Client(http_server.url) as client:
        bound = client.things_delete_thing
        assert list(inspect.signature(bound).parameters) == ["thing_id", "if_match", "params", "headers"]
        assert bound.__name__ == "things_delete_thing" and bound.__doc__ == op.__doc__
        assert edge_sdk.Client.things_delete_thing(client, "t9") is None  # called on the class
    assert http_server.requests[0].url_path == "/things/t9"
    with pytest.raises(TypeError, match="operation of Client and AsyncClient only"):
        op.__get__(object())


def test_decorators_derive_how_the_body_is_sent_and_which_checks_apply(edge_sdk: Any) -> None:
    client = edge_sdk.Client
    create = client.things_create_thing.endpoint
    assert (create.method, create.body, create.checks) == ("POST", "full", ("Thing", "Thing"))
    update = client.things_update_thing.endpoint
    assert (update.method, update.body, update.checks) == ("PATCH", "patch", ("Thing", None))
    assert update.decode is None  # no answer to read
    # A plain JSON body and an answer that is not a model name their checks explicitly.
    tags = client.things_tags_set_tag_counts.endpoint
    assert tags.body == "json" and tags.checks[0].startswith("_C") and tags.checks[1].startswith("_C")
    listed = client.things_list_things.endpoint
    assert (listed.method, listed.paged, listed.checks) == ("GET", True, (None, "Thing"))
    assert listed.decode({"id": "a"}) == edge_sdk.Thing(id="a")


def test_a_list_that_takes_a_body_is_returned_as_one_page() -> None:
    import json

    from helpers import rendered

    page = {
        "type": "object",
        "properties": {
            "value": {"type": "array", "items": {"$ref": "#/components/schemas/item"}},
            "@odata.nextLink": {"type": "string"},
        },
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/items": {
                "get": {"operationId": "items.List", "responses": {"200": _json(page)}},
                "post": {
                    "operationId": "items.Search",
                    "requestBody": _json({"type": "object"}),
                    "responses": {"200": _json(page)},
                },
            }
        },
        "components": {"schemas": {"item": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }
    client = rendered(json.dumps(spec), "pages.json")["pkg/client.py"]
    assert '@_http.get.paged("/items", returns=lambda: _m.Item)' in client
    assert "-> Iterator[Item]:" in client
    # The inline page object is a model of its own, named from its place.
    post = " ".join(client[client.index("@_http.post(") :].split()[:5])
    assert post == '@_http.post( "/items", body=_rt.JSON, returns=lambda: _m.ItemsSearchResponse,'


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}
