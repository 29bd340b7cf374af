"""What a client generated from a small spec really sends, checked on a server on 127.0.0.1.

One spec (written here) holds a probe operation per wire feature: parameter styles in the
path, query, headers and cookies; form, multipart, binary and text bodies; text and binary
answers; API keys in a header, the query and a cookie, HTTP basic, bearer and OAuth 2 tokens,
per-operation and optional security; servers with variables. The generated SDK is built
with apigen itself (rendered, formatted) and imported; each test reads back the request the
server received: method, path, query, headers, cookies, body bytes and content type.
"""

from __future__ import annotations

import base64
import importlib
import logging
import sys
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest
from helpers import imported_sdk, rendered, run_cli
from support.http_server import ScriptedServer, redirect, reply, serve_two_origins

from generator.sdk.load import load_api
from generator.spec.io import parse_spec_text

SPEC = """\
openapi: 3.0.3
info: {title: Wire, version: "1.0"}
servers:
  - url: "http://{host}:{port}/{base}"
    variables:
      host: {default: 127.0.0.1}
      port: {default: "80"}
      base: {default: v1, enum: [v1, v2]}
  - url: https://api.example.com/v1
security:
  - bearer: []
components:
  securitySchemes:
    key_header: {type: apiKey, in: header, name: X-API-Key}
    key_query: {type: apiKey, in: query, name: api_key}
    key_cookie: {type: apiKey, in: cookie, name: session}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "https://login.example.com/token", scopes: {}}}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://login.example.com/.well-known"}
    digest: {type: http, scheme: digest}
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
        tags: {type: array, items: {type: string}}
        age: {type: integer}
paths:
  /items/{ids}/{label}/{matrix}:
    get:
      operationId: styles
      security: [{key_header: []}]
      parameters:
        - {name: ids, in: path, required: true, schema: {type: array, items: {type: integer}}}
        - name: label
          in: path
          required: true
          style: label
          explode: true
          schema: {type: array, items: {type: string}}
        - name: matrix
          in: path
          required: true
          style: matrix
          schema: {type: object, additionalProperties: {type: string}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: nums, in: query, explode: false, schema: {type: array, items: {type: integer}}}
        - name: words
          in: query
          style: spaceDelimited
          explode: false
          schema: {type: array, items: {type: string}}
        - name: pipes
          in: query
          style: pipeDelimited
          explode: false
          schema: {type: array, items: {type: string}}
        - name: filter
          in: query
          style: deepObject
          explode: true
          schema: {type: object, additionalProperties: {type: string}}
        - name: where
          in: query
          content: {application/json: {schema: {type: object, additionalProperties: {type: integer}}}}
        - {name: X-Trace, in: header, schema: {type: array, items: {type: string}}}
        - {name: tenant, in: cookie, schema: {type: string}}
        - {name: prefs, in: cookie, explode: false, schema: {type: array, items: {type: string}}}
      responses:
        "200": {description: ok, content: {text/plain: {schema: {type: string}}}}
  /form:
    post:
      operationId: submitForm
      security: [{key_query: []}]
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded: {schema: {$ref: "#/components/schemas/Pet"}}
      responses: {"204": {description: done}}
  /upload:
    post:
      operationId: upload
      security: [{key_cookie: []}]
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
                meta: {type: object}
                note: {type: string}
      responses: {"204": {description: done}}
  /blob:
    put:
      operationId: putBlob
      security: [{basic: []}]
      requestBody:
        content: {application/octet-stream: {schema: {type: string, format: binary}}}
      responses:
        "200":
          description: the blob back
          content: {image/png: {schema: {type: string, format: binary}}}
  /text:
    post:
      operationId: echoText
      security: []
      requestBody:
        content: {text/plain: {schema: {type: string}}}
      responses:
        "200": {description: ok, content: {text/plain: {schema: {type: string}}}}
  /oauth:
    get:
      operationId: withOauth
      security: [{oauth: []}]
      responses: {"204": {description: done}}
  /oidc:
    get:
      operationId: withOidc
      security: [{oidc: []}]
      responses: {"204": {description: done}}
  /bearer:
    get:
      operationId: withDefault
      responses: {"204": {description: done}}
  /optional:
    get:
      operationId: optionalKey
      security: [{}, {key_header: []}]
      responses: {"204": {description: done}}
  /xml:
    post:
      operationId: sendXml
      requestBody:
        content:
          application/xml: {schema: {$ref: "#/components/schemas/Pet"}}
      responses: {"204": {description: done}}
"""

KEY = "key-4b1d-SECRET"
TOKEN = "tok-9e2c-SECRET"


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The SDK apigen generates from `SPEC`, imported as `wire_sdk`."""
    with imported_sdk(SPEC, "wire.yaml", "wire_sdk", tmp_path_factory.mktemp("wire")) as sdk:
        yield sdk


def _client(wire: Any, server: ScriptedServer, **options: Any) -> Any:
    return wire.Client(server.url, timeout=2.0, **options)


def _raw_query(path: str) -> str:
    return path.split("?", 1)[1] if "?" in path else ""


def test_parameter_styles_in_path_query_header_and_cookie(
    wire: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(200, "ok", headers={"Content-Type": "text/plain"}))
    with _client(wire, http_server, api_key=KEY) as client:
        answer = client.styles(
            [1, 2],
            ["a", "b"],
            {"x": "1", "y": "2"},
            tags=["red", "blue green"],
            nums=[3, 4],
            words=["one", "two"],
            pipes=["p", "q"],
            filter={"color": "red", "size": "L"},
            where={"a": 1},
            x_trace=["t1", "t2"],
            tenant="acme corp",
            prefs=["dark", "wide"],
        )
    (request,) = http_server.requests
    assert answer == "ok"
    assert request.method == "GET"
    assert request.url_path == "/items/1,2/.a.b/;matrix=x,1,y,2"
    assert _raw_query(request.path) == (  # the parameters in the order of their names
        "filter%5Bcolor%5D=red&filter%5Bsize%5D=L&nums=3,4&pipes=p|q"
        "&tags=red&tags=blue%20green&where=%7B%22a%22%3A1%7D&words=one%20two"
    )
    assert request.headers["X-Trace"] == "t1,t2"
    assert request.headers["Cookie"] == "prefs=dark,wide; tenant=acme%20corp"
    assert request.headers["X-API-Key"] == KEY  # the operation's own security
    assert "Authorization" not in request.headers  # not the API's default (bearer)
    assert request.headers["Accept"] == "text/plain"


def test_exploded_objects_and_unset_parameters(wire: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, "ok", headers={"Content-Type": "text/plain"}))
    with _client(wire, http_server) as client:
        client.styles([7], ["only"], {})
    (request,) = http_server.requests
    assert request.url_path == "/items/7/.only/;matrix="
    assert _raw_query(request.path) == ""
    assert "Cookie" not in request.headers and "X-Trace" not in request.headers


def test_form_body_with_an_api_key_in_the_query(wire: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(204), reply(204))
    with _client(wire, http_server, api_key=KEY, token=TOKEN) as client:
        client.submit_form(wire.Pet(name="Rex & co", tags=["a", "b"], age=3))
        client.submit_form({"name": "Mia"})
    model, mapping = http_server.requests
    assert (model.method, model.url_path) == ("POST", "/form")
    assert model.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert model.body == b"name=Rex+%26+co&tags=a&tags=b&age=3"
    assert _raw_query(model.path) == f"api_key={KEY}"
    assert "Authorization" not in model.headers
    assert mapping.body == b"name=Mia"


def test_an_api_key_in_the_query_is_in_no_log_record(
    wire: Any, http_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """httpx logs every request's URL at INFO; the key in its query must not show there."""
    caplog.set_level(logging.DEBUG)
    http_server.script(reply(204))
    with _client(wire, http_server, api_key=KEY) as client:
        client.submit_form({"name": "Mia"})
    (request,) = http_server.requests
    assert _raw_query(request.path) == f"api_key={KEY}"  # sent as the spec says
    assert any(r.name == "httpx" and "/form" in r.getMessage() for r in caplog.records)
    assert all(KEY not in r.getMessage() for r in caplog.records)


def test_multipart_body_with_a_file_and_a_cookie_key(
    wire: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(204))
    with _client(wire, http_server, api_key=KEY) as client:
        client.upload(
            {
                "file": wire.FilePart(b"\x89PNG\r\n", "pic.png", "image/png"),
                "meta": {"w": 2},
                "note": "hello",
            }
        )
    (request,) = http_server.requests
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert request.headers["Cookie"] == f"session={KEY}"
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.body
    )
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    assert parts["file"].get_filename() == "pic.png"
    assert parts["file"].get_content_type() == "image/png"
    assert parts["file"].get_payload(decode=True) == b"\x89PNG\r\n"
    assert parts["meta"].get_content_type() == "application/json"
    assert parts["meta"].get_payload(decode=True) == b'{"w":2}'
    assert parts["note"].get_payload(decode=True) == b"hello"


def test_binary_body_and_answer_with_basic_auth(wire: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, b"\x00\x01png", headers={"Content-Type": "image/png"}))
    with _client(wire, http_server, basic=("ann", "pa:ss")) as client:
        answer = client.put_blob(b"\x00\xffdata")
    (request,) = http_server.requests
    assert answer == b"\x00\x01png"
    assert request.method == "PUT" and request.body == b"\x00\xffdata"
    assert request.headers["Content-Type"] == "application/octet-stream"
    assert request.headers["Accept"] == "image/png"
    expected = base64.b64encode(b"ann:pa:ss").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"


def test_text_body_and_answer_without_security(wire: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, "échoed", headers={"Content-Type": "text/plain; charset=utf-8"}))
    with _client(wire, http_server, token=TOKEN, api_key=KEY) as client:
        answer = client.echo_text("héllo")
    (request,) = http_server.requests
    assert answer == "échoed"
    assert request.body == "héllo".encode()
    assert request.headers["Content-Type"] == "text/plain"
    assert "Authorization" not in request.headers and "X-API-Key" not in request.headers


def test_tokens_go_as_bearer_for_oauth2_openid_and_the_default(
    wire: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(204), reply(204), reply(204))
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return TOKEN

    with _client(wire, http_server, token=token) as client:
        client.with_oauth()
        client.with_oidc()
        client.with_default()
    assert [r.headers["Authorization"] for r in http_server.requests] == [f"Bearer {TOKEN}"] * 3
    assert len(calls) == 3  # asked anew per request


def test_optional_security_sends_the_key_only_when_given(
    wire: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(204), reply(204))
    with _client(wire, http_server, token=TOKEN) as client:
        client.optional_key()
    with _client(wire, http_server, api_key=KEY) as client:
        client.optional_key()
    bare, keyed = http_server.requests
    assert "X-API-Key" not in bare.headers and "Authorization" not in bare.headers
    assert keyed.headers["X-API-Key"] == KEY


def test_credentials_are_dropped_on_a_cross_origin_redirect(wire: Any) -> None:
    with serve_two_origins() as (home, other):
        home.script(redirect(f"{other.url}/elsewhere", 307), redirect(f"{other.url}/x", 307))
        other.script(reply(200, "moved", headers={"Content-Type": "text/plain"}), reply(204))
        with _client(wire, home, api_key=KEY) as client:
            assert client.styles([1], ["a"], {}, tenant="t") == "moved"
            client.submit_form({"name": "n"})
        first, second = other.requests
    assert "X-API-Key" not in first.headers and "Cookie" not in first.headers
    assert KEY not in second.path and second.body == b"name=n"


def test_server_variables_fill_the_url_template(wire: Any, http_server: ScriptedServer) -> None:
    port = http_server.url.rsplit(":", 1)[1]
    assert wire.client.DEFAULT_BASE_URL == "http://127.0.0.1:80/v1"
    http_server.script(reply(204))
    with wire.Client(server_variables={"port": port, "base": "v2"}, token=TOKEN) as client:
        client.with_default()
        assert repr(client).startswith(f"Client(base_url='http://127.0.0.1:{port}/v2/'")
    assert http_server.requests[0].url_path == "/v2/bearer"
    with wire.Client(server=1) as client:
        assert "https://api.example.com/v1/" in repr(client)
    with pytest.raises(ValueError, match=r"'base' must be one of \['v1', 'v2'\]"):
        wire.Client(server_variables={"base": "v3"})
    with pytest.raises(ValueError, match=r"unknown server variables \['nope'\]"):
        wire.Client(server_variables={"nope": "1"})


def test_what_the_client_cannot_send_is_a_warning_with_its_pointer() -> None:
    api = load_api(parse_spec_text(SPEC, "wire.yaml"), validate=False)
    assert any(
        "/components/securitySchemes/digest" in w and "cannot send security scheme" in w
        for w in api.warnings
    ), api.warnings
    assert any(
        "/paths/~1xml/post/requestBody/content/application~1xml" in w and "application/xml" in w
        for w in api.warnings
    ), api.warnings
    assert len(api.warnings) == 2


def test_xml_body_goes_as_the_bytes_given(wire: Any, http_server: ScriptedServer) -> None:
    http_server.script(reply(204))
    with _client(wire, http_server) as client:
        client.send_xml(b"<pet><name>Rex</name></pet>")
    (request,) = http_server.requests
    assert request.headers["Content-Type"] == "application/xml"
    assert request.body == b"<pet><name>Rex</name></pet>"


def test_the_wire_sdk_passes_mypy_strict(wire: Any) -> None:
    from mypy import api as mypy_api

    folder = Path(str(wire.__file__)).parent
    # A user's typed code: streaming keeps the operation's parameter types.
    use = folder.parent / "use_wire.py"
    use.write_text(
        "from wire_sdk import Client\n\n\n"
        "def blob(client: Client) -> bytes:\n"
        "    with client.stream(Client.put_blob, b'x') as response:\n"
        "        return response.read()\n"
    )
    out, err, status = mypy_api.run(["--strict", "--no-incremental", str(folder), str(use)])
    assert status == 0, out + err
    use.write_text(use.read_text().replace("b'x'", "42"))
    out, _, status = mypy_api.run(["--strict", "--no-incremental", str(use)])
    expected = 'incompatible type "int"; expected "bytes | IO[bytes] | PathLike[str]"'
    assert status == 1 and expected in out, out


def test_generate_prints_the_warnings_and_strict_makes_them_a_failure(tmp_path: Path) -> None:
    spec = tmp_path / "wire.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    strict = run_cli("generate", str(spec), "-o", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 1, strict.stderr
    assert "/paths/~1xml/post/requestBody/content/application~1xml" in strict.stderr
    assert "nothing written (--strict)" in strict.stderr
    assert not (tmp_path / "strict").exists()
    lenient = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "wire_sdk")
    assert lenient.returncode == 0, lenient.stderr
    assert lenient.stderr.count("apigen: warning:") == 2
    assert (tmp_path / "out" / "wire_sdk" / "client.py").is_file()


def test_parameters_the_client_cannot_send_as_written_are_warnings() -> None:
    spec = """\
openapi: 3.0.3
info: {title: W, version: "1"}
paths:
  /x:
    get:
      operationId: x
      parameters:
        - {name: a, in: query, style: matrix, schema: {type: string}}
        - {name: b, in: query, allowReserved: true, schema: {type: string}}
        - {name: Authorization, in: header, schema: {type: string}}
      responses: {"204": {description: done}}
"""
    api = load_api(parse_spec_text(spec, "w.yaml"), validate=False)
    assert api.warnings == (
        "w.yaml:10 at /paths/~1x/get/parameters/2: header parameter 'Authorization' is "
        "ignored (OpenAPI sets it)",
        "w.yaml:8 at /paths/~1x/get/parameters/0/style: style 'matrix' is not one a query "
        "parameter may have; sent as 'form'",
        "w.yaml:9 at /paths/~1x/get/parameters/1/allowReserved: `allowReserved` is not "
        "honoured: reserved characters are percent-encoded",
    )
    (op,) = api.operations
    assert [(p.name, p.style) for p in op.parameters] == [("a", "form"), ("b", "form")]


def test_a_server_variable_without_default_must_be_given(wire: Any) -> None:
    spec = """\
openapi: 3.0.3
info: {title: W, version: "1"}
servers: [{url: "https://{tenant}.example.test/v1"}]
paths: {}
"""
    api = load_api(parse_spec_text(spec, "w.yaml"), validate=False)
    assert api.warnings == (
        "w.yaml:3 at /servers/0/url: server variable 'tenant' has no default: the client "
        "needs its value in `server_variables`",
    )
    files = rendered(spec, "w.yaml")
    assert 'DEFAULT_BASE_URL = ""' in files["pkg/client.py"]  # never the raw template
    servers = (("https://{tenant}.example.test/v1", {"tenant": (None, ())}),)
    with pytest.raises(ValueError, match="'tenant' has no default"):
        wire._http.base_url_for(servers, 0, None)
    assert wire._http.base_url_for(servers, 0, {"tenant": "acme"}) == "https://acme.example.test/v1"


def test_an_answer_can_be_streamed(wire: Any, http_server: ScriptedServer) -> None:
    import asyncio

    blob = bytes(range(256)) * 64
    http_server.script(
        reply(200, blob, headers={"Content-Type": "image/png"}),
        reply(404, "gone"),
        reply(200, blob, headers={"Content-Type": "image/png"}),
    )
    with _client(wire, http_server, basic=("ann", "pw")) as client:
        with client.stream(wire.Client.put_blob, b"up") as response:
            assert response.headers["Content-Type"] == "image/png"
            received = b"".join(response.iter_bytes(1024))
        with pytest.raises(wire.NotFoundError), client.stream(wire.Client.put_blob, b"up"):
            pass

    async def run() -> bytes:
        async with (
            wire.AsyncClient(http_server.url, basic=("ann", "pw"), timeout=2.0) as client,
            client.stream(wire.AsyncClient.put_blob, b"up") as response,
        ):
            return b"".join([chunk async for chunk in response.aiter_bytes()])

    assert received == blob
    assert asyncio.run(run()) == blob
    assert [r.body for r in http_server.requests] == [b"up", b"up", b"up"]
    assert http_server.requests[0].headers["Authorization"].startswith("Basic ")


def test_the_bodys_media_type_wins_and_none_sends_no_body(
    wire: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(204), reply(200, "", headers={"Content-Type": "text/plain"}))
    with _client(wire, http_server, api_key=KEY) as client:
        client.submit_form({"name": "x"}, headers={"content-type": "text/plain"})
        client.echo_text(None)
    form, empty = http_server.requests
    assert form.headers.pairs.count(("Content-Type", "application/x-www-form-urlencoded")) == 1
    assert [k for k, _ in form.headers.pairs if k.lower() == "content-type"] == ["Content-Type"]
    assert empty.body == b"" and "Content-Type" not in empty.headers
