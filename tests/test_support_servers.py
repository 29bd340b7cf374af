"""The test servers themselves: each scripted fault does what it says, nothing hangs, and the
independent judges (Prism, Spectral) start and tell good from bad."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
import support
from support import require_tool
from support.http_server import (
    ScriptedServer,
    free_port,
    graph_error,
    html_error,
    http_server_fixture,  # noqa: F401 - provides the `http_server` fixture
    invalid_json,
    redirect,
    reply,
    reset,
    retry_after,
    serve,
    serve_two_origins,
    slow_body,
    truncated_body,
)
from support.prism import PrismStartError, run_prism
from support.spectral import errors, lint_spec

TIMEOUT = httpx.Timeout(2.0)
"""Every client here gives up after 2 s: a broken helper fails a test, it never hangs it."""


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=TIMEOUT) as c:
        yield c


# --- the scripted server: normal replies and what it records ---------------------------------


def test_records_method_path_query_headers_and_raw_body(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(reply(201, json={"id": "42"}, headers={"ETag": 'W/"1"'}))

    response = client.patch(
        f"{http_server.url}/things/7?$select=name&x=",
        content=b'{"name": "w"}',
        headers={"Content-Type": "application/json", "X-Trace": "abc"},
    )

    assert (response.status_code, response.json()) == (201, {"id": "42"})
    assert response.headers["etag"] == 'W/"1"'
    (seen,) = http_server.requests
    assert (seen.method, seen.path, seen.url_path) == (
        "PATCH",
        "/things/7?$select=name&x=",
        "/things/7",
    )
    assert seen.query == {"$select": ["name"], "x": [""]}
    assert seen.headers["x-trace"] == seen.headers["X-TRACE"] == "abc"
    assert "content-type" in seen.headers and "Content-Type" in seen.headers
    assert seen.body == b'{"name": "w"}'
    assert seen.json() == {"name": "w"}


def test_replies_in_script_order_on_one_keep_alive_connection(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(reply(200, "one"), reply(204), reply(200, "three"))

    bodies = [client.get(f"{http_server.url}/n/{i}") for i in range(3)]

    assert [(r.status_code, r.text) for r in bodies] == [
        (200, "one"),
        (204, ""),
        (200, "three"),
    ]
    assert len({r.client_port for r in http_server.requests}) == 1
    assert http_server.pending == 0


def test_reads_a_chunked_request_body(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(reply(200))

    client.post(f"{http_server.url}/upload", content=iter([b"ab", b"", b"cde"]))

    (seen,) = http_server.requests
    assert seen.headers["transfer-encoding"] == "chunked"
    assert seen.body == b"abcde"


def test_a_request_beyond_the_script_gets_500_and_is_reported() -> None:
    with serve() as server, httpx.Client(timeout=TIMEOUT) as c:
        response = c.delete(f"{server.url}/extra")
        assert response.status_code == 500
        assert "no scripted reply left for DELETE /extra" in response.text
        with pytest.raises(AssertionError, match="DELETE /extra"):
            server.assert_no_unscripted()


def test_graph_error_has_graph_shape_and_request_id(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(graph_error(404, "ResourceNotFound", "Gone.", request_id="r-1"))

    response = client.get(f"{http_server.url}/x")

    assert response.status_code == 404
    assert response.headers["request-id"] == "r-1"
    assert response.json()["error"] == {
        "code": "ResourceNotFound",
        "message": "Gone.",
        "innerError": {"request-id": "r-1", "date": "2024-01-01T00:00:00"},
    }


# --- faults ---------------------------------------------------------------------------------


def test_retry_after_in_seconds_and_as_http_date(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    when = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    http_server.script(retry_after(3), retry_after(when, status=503))

    throttled = client.get(f"{http_server.url}/a")
    unavailable = client.get(f"{http_server.url}/a")

    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "3"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    assert unavailable.status_code == 503
    assert unavailable.headers["retry-after"] == "Mon, 06 May 2030 07:08:09 GMT"
    assert parsedate_to_datetime(unavailable.headers["retry-after"]) == when


def test_retry_after_and_redirect_refuse_statuses_they_cannot_mean() -> None:
    with pytest.raises(ValueError, match="retry_after status"):
        retry_after(1, status=500)
    with pytest.raises(ValueError, match="redirect status"):
        redirect("http://127.0.0.1/", status=200)


def test_reset_aborts_the_connection_after_reading_the_request(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(reset())

    with pytest.raises(httpx.ReadError, match="(?i)reset"):
        client.post(f"{http_server.url}/r", json={"a": 1})

    (seen,) = http_server.requests
    assert seen.json() == {"a": 1}


def test_slow_body_sends_headers_then_stalls_past_the_client_timeout(
    http_server: ScriptedServer,
) -> None:
    http_server.script(slow_body(60.0))
    timeout = httpx.Timeout(2.0, read=0.3)

    with (
        httpx.Client(timeout=timeout) as c,
        c.stream("GET", f"{http_server.url}/slow") as response,
    ):
        assert response.status_code == 200  # the head came at once
        assert response.headers["content-length"] == str(len(b'{"slow": true}'))
        with pytest.raises(httpx.ReadTimeout):
            response.read()
    # The fixture now closes the server: the 60 s stall must end at once (close() raises if the
    # handler thread is still alive after 5 s).


def test_slow_body_arrives_for_a_patient_client(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(slow_body(0.2, json={"done": True}))

    assert client.get(f"{http_server.url}/slow").json() == {"done": True}


def test_invalid_json_says_json_but_is_not(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(invalid_json())

    response = client.get(f"{http_server.url}/j")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_html_error_is_a_gateway_page(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(html_error(502))

    response = client.get(f"{http_server.url}/h")

    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_truncated_body_closes_before_content_length_is_met(
    http_server: ScriptedServer, client: httpx.Client
) -> None:
    http_server.script(truncated_body(missing=10))

    with pytest.raises(httpx.RemoteProtocolError, match="(?i)incomplete|closed"):
        client.get(f"{http_server.url}/t")


def test_cross_origin_redirect_lands_on_the_second_server() -> None:
    with serve_two_origins() as (home, elsewhere):
        assert home.url.startswith("http://127.0.0.1:")
        assert elsewhere.url.startswith("http://localhost:")
        home.script(redirect(f"{elsewhere.url}/landing?from=home", status=307))
        elsewhere.script(reply(200, json={"ok": True}))

        with httpx.Client(timeout=TIMEOUT, follow_redirects=True) as c:
            response = c.patch(
                f"{home.url}/start",
                json={"n": 1},
                headers={"Authorization": "Bearer secret"},
            )

        assert response.json() == {"ok": True}
        (first,) = home.requests
        (second,) = elsewhere.requests
        assert first.headers["authorization"] == "Bearer secret"
        # 307 keeps method and body; httpx drops the token on the change of origin.
        assert (second.method, second.path, second.json()) == (
            "PATCH",
            "/landing?from=home",
            {"n": 1},
        )
        assert "authorization" not in second.headers
        home.assert_no_unscripted()
        elsewhere.assert_no_unscripted()


def test_close_drops_idle_keep_alive_connections() -> None:
    client = httpx.Client(timeout=TIMEOUT)
    try:
        with serve() as server:
            server.script(reply(200))
            client.get(f"{server.url}/idle")
            # The client keeps the connection open; leaving the block must not wait for it
            # (close() raises if its thread outlives the 5 s join, well under the 10 s idle limit).
        with pytest.raises(httpx.TransportError):
            client.get(
                f"{server.url}/idle"
            )  # connection gone and nothing listens any more
    finally:
        client.close()


def test_free_port_has_no_listener(client: httpx.Client) -> None:
    with pytest.raises(httpx.ConnectError):
        client.get(f"http://127.0.0.1:{free_port()}/")


# --- finding the Node tools --------------------------------------------------------------


def test_require_tool_fails_in_ci_and_skips_elsewhere_when_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("APIGEN_PRISM", raising=False)
    monkeypatch.setattr(support, "NODE_BIN", tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install-node-tools"):
        require_tool("prism")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="install-node-tools"):
        require_tool("prism")


def test_require_tool_rejects_a_variable_naming_no_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("APIGEN_SPECTRAL", "/nonexistent/spectral")
    with pytest.raises(pytest.fail.Exception, match="APIGEN_SPECTRAL"):
        require_tool("spectral")


# --- Prism: a validating mock ----------------------------------------------------------------

TINY_SPEC = """\
openapi: 3.0.3
info:
  title: Tiny things API
  version: "1.0"
  description: One operation, to check that the judges work.
  contact: {name: apigen, url: "https://example.com/apigen"}
servers:
  - url: https://api.example.com/v1.0
tags:
  - name: things
    description: Things.
security:
  - bearer: []
paths:
  /things/{thing-id}:
    patch:
      operationId: updateThing
      summary: Update a thing
      description: Update the properties of a thing.
      tags: [things]
      parameters:
        - name: thing-id
          in: path
          required: true
          description: The thing's key.
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/thing"}
      responses:
        "200":
          description: The updated thing.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/thing"}
              example: {name: widget, count: 3}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        count: {type: integer, format: int32, minimum: -2147483648, maximum: 2147483647}
"""


def test_prism_accepts_a_valid_request_and_refuses_an_invalid_body(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    auth = {"Authorization": "Bearer t"}

    with (
        run_prism(spec) as base_url,
        httpx.Client(base_url=base_url, timeout=10.0) as c,
    ):
        ok = c.patch("/things/1", json={"name": "a", "count": 1}, headers=auth)
        bad = c.patch("/things/1", json={"count": 2147483648}, headers=auth)
        anonymous = c.patch("/things/1", json={"name": "a"})

    assert (ok.status_code, ok.json()) == (200, {"name": "widget", "count": 3})
    assert bad.status_code == 422
    messages = [v["message"] for v in bad.json()["validation"]]
    assert any("required property 'name'" in m for m in messages), messages
    assert any("count must be <= 2147483647" in m for m in messages), messages
    assert anonymous.status_code == 401


def test_prism_refuses_to_serve_an_example_that_breaks_its_schema(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "bad-example.yaml"
    spec.write_text(
        TINY_SPEC.replace("{name: widget, count: 3}", "{name: 5}"), encoding="utf-8"
    )

    with (
        run_prism(spec) as base_url,
        httpx.Client(base_url=base_url, timeout=10.0) as c,
    ):
        response = c.patch(
            "/things/1", json={"name": "a"}, headers={"Authorization": "Bearer t"}
        )

    assert response.status_code == 500
    assert (
        "Response body property name must be string"
        in response.headers["sl-violations"]
    )


def test_prism_reports_a_spec_it_cannot_serve(tmp_path: Path) -> None:
    spec = tmp_path / "not-openapi.yaml"
    spec.write_text("hello: [\n", encoding="utf-8")

    with pytest.raises(PrismStartError, match="Prism exited"), run_prism(spec):
        pass


# --- Spectral: the spectral:oas ruleset -----------------------------------------------------


def test_spectral_finds_nothing_in_a_good_spec(tmp_path: Path) -> None:
    spec = tmp_path / "good.yaml"
    spec.write_text(TINY_SPEC, encoding="utf-8")

    assert [str(f) for f in lint_spec(spec)] == []


def test_spectral_reports_an_example_that_breaks_its_schema(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text(
        TINY_SPEC.replace("{name: widget, count: 3}", "{name: 5}"), encoding="utf-8"
    )

    (finding,) = errors(lint_spec(spec))

    assert finding.code == "oas3-valid-media-example"
    assert (
        finding.pointer
        == "/paths/~1things~1{thing-id}/patch/responses/200/content/application~1json/example/name"
    )
    assert (
        finding.line
        == TINY_SPEC.splitlines().index(
            "              example: {name: widget, count: 3}"
        )
        + 1
    )
