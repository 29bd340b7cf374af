"""The generated seed SDK's `Client` and `AsyncClient` against a real HTTP server on 127.0.0.1.

Each story runs twice, sync and async, against `support.http_server`, which records what
the client really sent and answers from a script (including faults: throttling, resets, stalled
and broken bodies, HTML error pages, redirects). Timeouts and retry backoffs are short, so a
broken client fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import sys
import time
import traceback
import uuid
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.http_server import (
    RecordedRequest,
    ScriptedServer,
    free_port,
    graph_error,
    html_error,
    invalid_json,
    redirect,
    reply,
    reset,
    retry_after,
    serve_two_origins,
    slow_body,
    truncated_body,
)

SDK_DIR = Path(__file__).resolve().parents[1] / "generated" / "seed"


def _import_sdk() -> ModuleType:
    """The committed seed SDK, imported from generated/seed (the golden record, not a copy)."""
    sys.path.insert(0, str(SDK_DIR))
    try:
        module = importlib.import_module("seed_sdk")
    finally:
        sys.path.remove(str(SDK_DIR))
    where = Path(str(module.__file__)).resolve()
    if not where.is_relative_to(SDK_DIR.resolve()):
        raise RuntimeError(f"seed_sdk was already imported from {where}, not from {SDK_DIR}")
    return module


sdk = _import_sdk()

TOKEN = "tok-7f3a9c-SECRET"
"""Distinctive, so a leak into a message, a repr or a log record is easy to spot."""
PATH = "/v1.0/learningSelfInitiatedCourse"
ODATA_TYPE = "#microsoft.graph.learningSelfInitiatedCourse"
TIMEOUT = 2.0
FAST_RETRY = sdk.RetryPolicy(max_attempts=3, max_wait=5.0, backoff=0.01, backoff_max=0.05)

STORED: dict[str, Any] = {
    "@odata.type": ODATA_TYPE,
    "@odata.etag": 'W/"1"',
    "externalcourseActivityId": "ext-1",
    "learningProviderId": "provider-1",
    "learningContentId": "content-1",
    "learnerUserId": "user-1",
    "status": "notStarted",
    "completedDateTime": None,
    "completionPercentage": 0,
    "startedDateTime": "2024-01-01T08:00:00Z",
}
"""The course as the service holds it before the update."""

CHANGE: dict[str, Any] = {"completionPercentage": 80, "status": "inProgress"}
"""A small valid PATCH body."""


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def base_url(server: ScriptedServer) -> str:
    return f"{server.url}/v1.0"


def options(**overrides: Any) -> dict[str, Any]:
    """Client settings for tests: short timeout, fast retries, the test token."""
    return {"token": TOKEN, "timeout": TIMEOUT, "retry": FAST_RETRY, **overrides}


def update(mode: str, url: str, body: Any, *, calls: int = 1, **overrides: Any) -> list[Any]:
    """Call `update_learning_self_initiated_course(body)` `calls` times on one client."""
    settings = options(**overrides)
    if mode == "sync":
        with sdk.Client(url, **settings) as client:
            return [client.update_learning_self_initiated_course(body) for _ in range(calls)]

    async def run() -> list[Any]:
        async with sdk.AsyncClient(url, **settings) as client:
            return [await client.update_learning_self_initiated_course(body) for _ in range(calls)]

    return asyncio.run(run())


def fails(mode: str, url: str, body: Any = CHANGE, **overrides: Any) -> Any:
    """The SdkError one update raises (the test fails if it returns)."""
    with pytest.raises(sdk.SdkError) as caught:
        update(mode, url, body, **overrides)
    return caught.value


def request_ids(requests: tuple[RecordedRequest, ...]) -> list[str]:
    return [r.headers["client-request-id"] for r in requests]


# --- the request on the wire and the reply as a model ------------------------------------------


def test_patch_sends_only_the_changed_fields_and_returns_the_model(
    mode: str, http_server: ScriptedServer
) -> None:
    course = sdk.LearningSelfInitiatedCourse.from_dict(STORED)
    course.completion_percentage = 80
    course.status = sdk.CourseStatus.IN_PROGRESS
    course.externalcourse_activity_id = None  # an explicit None clears the field: JSON null
    updated = {**STORED, "completionPercentage": 80, "status": "inProgress"}
    http_server.script(reply(200, json={**updated, "externalcourseActivityId": None}))

    (result,) = update(mode, base_url(http_server), course)

    (sent,) = http_server.requests
    assert (sent.method, sent.url_path, sent.query) == ("PATCH", PATH, {})
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Accept"] == "application/json"
    assert uuid.UUID(sent.headers["client-request-id"])
    assert sent.json() == {
        "completionPercentage": 80,
        "status": "inProgress",
        "externalcourseActivityId": None,
        "@odata.type": ODATA_TYPE,  # always named, so the service knows which subtype it patches
    }
    assert type(result) is sdk.LearningSelfInitiatedCourse
    assert result.completion_percentage == 80
    assert result.status is sdk.CourseStatus.IN_PROGRESS
    assert result.externalcourse_activity_id is None
    assert result.started_date_time == datetime(2024, 1, 1, 8, tzinfo=UTC)
    assert result.additional_data == {"@odata.etag": 'W/"1"'}


def test_each_call_has_its_own_client_request_id(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json=STORED), reply(200, json=STORED))

    update(mode, base_url(http_server), CHANGE, calls=2)

    first, second = request_ids(http_server.requests)
    assert first != second


# --- auth: a token per request, only where it belongs ------------------------------------------


def test_token_callable_is_asked_for_every_request_and_retry(
    mode: str, http_server: ScriptedServer
) -> None:
    issued: list[str] = []

    def token() -> str:
        issued.append(f"tok-{len(issued) + 1}")
        return issued[-1]

    http_server.script(graph_error(503, "ServiceUnavailable", "busy"), reply(200, json=STORED))
    http_server.script(reply(200, json=STORED))

    update(mode, base_url(http_server), CHANGE, calls=2, token=token)

    assert [r.headers["Authorization"] for r in http_server.requests] == [
        "Bearer tok-1",
        "Bearer tok-2",
        "Bearer tok-3",
    ]


def test_async_token_callable_with_async_client(http_server: ScriptedServer) -> None:
    issued: list[str] = []

    async def token() -> str:
        await asyncio.sleep(0)
        issued.append(f"async-tok-{len(issued) + 1}")
        return issued[-1]

    http_server.script(reply(200, json=STORED), reply(200, json=STORED))

    update("async", base_url(http_server), CHANGE, calls=2, token=token)

    assert [r.headers["Authorization"] for r in http_server.requests] == [
        "Bearer async-tok-1",
        "Bearer async-tok-2",
    ]


def test_async_token_callable_with_sync_client_is_refused_before_sending(
    http_server: ScriptedServer,
) -> None:
    async def token() -> str:
        return TOKEN

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TypeError, match="AsyncClient"):
            update("sync", base_url(http_server), CHANGE, token=token)
        gc.collect()

    assert http_server.requests == ()
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []


@pytest.mark.parametrize(
    ("base", "target", "allowed"),
    [
        ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/v1.0/me", True),
        ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com:443/beta/me", True),
        ("https://graph.microsoft.com/v1.0", "https://GRAPH.microsoft.com/v1.0/me", True),
        ("https://graph.microsoft.com/v1.0", "http://graph.microsoft.com/v1.0/me", False),
        ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com:8443/v1.0", False),
        ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com.evil.test/", False),
        ("https://graph.microsoft.com/v1.0", "https://evil.test/v1.0/me", False),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/me", True),
        ("http://127.0.0.1:8080", "http://127.0.0.1:9090/me", False),
        ("http://127.0.0.1:8080", "http://localhost:8080/me", False),
        ("http://localhost:8080", "http://localhost:8080/me", True),
        ("http://[::1]:8080", "http://[::1]:8080/me", True),
    ],
)
def test_token_goes_only_to_the_base_origin_over_https_or_loopback(
    base: str, target: str, allowed: bool
) -> None:
    with sdk.Client(base, token=TOKEN) as client:
        core = client._core
        assert core.auth.may_send_token(httpx.URL(target)) is allowed
        credentials = core.auth.sync_credentials(None)
        _, headers = core.prepared(httpx.URL(target), credentials, "id", {"Authorization": "Bearer x"})
        assert ("Authorization" in headers) is allowed


@pytest.mark.parametrize(
    "credential",
    [
        {"token": TOKEN},
        {"token": lambda: TOKEN},
        {"token": None, "headers": {"Authorization": f"Bearer {TOKEN}"}},
        {"token": None, "headers": {"X-Api-Key": TOKEN}},
        {"token": None, "base": f"http://user:{TOKEN}@graph.example.com/v1.0"},
    ],
    ids=["token", "callable", "authorization header", "api key header", "password in url"],
)
@pytest.mark.parametrize("base", ["http://graph.example.com/v1.0", "http://10.0.0.5:8080"])
def test_plain_http_to_a_remote_host_with_a_credential_is_refused_before_any_connection(
    mode: str, base: str, credential: dict[str, Any]
) -> None:
    """No real network: httpx's MockTransport stands in for the remote host and records
    that nothing reached it."""
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(200))
    settings = {**credential}
    url = settings.pop("base", base)
    http: Any = (httpx.Client if mode == "sync" else httpx.AsyncClient)(transport=transport)
    with pytest.raises(sdk.CredentialError) as caught:
        (sdk.Client if mode == "sync" else sdk.AsyncClient)(url, **options(http_client=http, **settings))
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, sdk.SdkError)
    message = str(caught.value)
    assert "plain http" in message and "https" in message and "127.0.0.1" in message
    assert TOKEN not in message and TOKEN not in "".join(traceback.format_exception(caught.value))
    assert seen == []


def test_plain_http_to_a_remote_host_without_credentials_is_allowed(mode: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=STORED)

    transport = httpx.MockTransport(handler)
    if mode == "sync":
        with httpx.Client(transport=transport) as http:
            update(mode, "http://graph.example.com/v1.0", CHANGE, http_client=http, token=None)
    else:

        async def run() -> None:
            async with (
                httpx.AsyncClient(transport=transport) as http,
                sdk.AsyncClient(
                    "http://graph.example.com/v1.0", **options(http_client=http, token=None)
                ) as client,
            ):
                await client.update_learning_self_initiated_course(CHANGE)

        asyncio.run(run())

    (request,) = seen
    assert str(request.url) == "http://graph.example.com/v1.0/learningSelfInitiatedCourse"
    assert "Authorization" not in request.headers


@pytest.mark.parametrize("auth", ["token", "caller header"])
def test_cross_origin_redirect_drops_authorization(mode: str, auth: str) -> None:
    credentials = (
        {"token": TOKEN}
        if auth == "token"
        else {"token": None, "headers": {"Authorization": f"Bearer {TOKEN}"}}
    )
    with serve_two_origins() as (home, foreign):
        home.script(redirect(f"{foreign.url}{PATH}", 307))
        foreign.script(reply(200, json=STORED))

        (result,) = update(mode, base_url(home), CHANGE, **credentials)

        (first,), (second,) = home.requests, foreign.requests
        home.assert_no_unscripted()
        foreign.assert_no_unscripted()
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in second.headers
    assert (second.method, second.url_path, second.json()) == ("PATCH", PATH, CHANGE)
    assert request_ids((first, second)) == [first.headers["client-request-id"]] * 2
    assert result.learner_user_id == "user-1"


def test_same_origin_redirect_keeps_authorization(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(redirect(f"{http_server.url}/v1.0/moved", 308), reply(200, json=STORED))

    update(mode, base_url(http_server), CHANGE)

    first, second = http_server.requests
    assert second.url_path == "/v1.0/moved"
    assert [r.headers.get("Authorization") for r in (first, second)] == [f"Bearer {TOKEN}"] * 2


def test_a_redirect_loop_ends_in_a_transport_error(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(*[redirect(f"{http_server.url}{PATH}", 307)] * 6)

    error = fails(mode, base_url(http_server))

    assert type(error) is sdk.TransportError
    assert "too many redirects" in str(error)
    assert len(http_server.requests) == 6


# --- retries: 429 / 503 / 504 with Retry-After, bounded ----------------------------------------


def test_429_with_retry_after_seconds_waits_then_succeeds(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(retry_after(1), reply(200, json=STORED))

    started = time.monotonic()
    (result,) = update(mode, base_url(http_server), CHANGE)
    waited = time.monotonic() - started

    assert result.learning_content_id == "content-1"
    assert waited >= 0.95, "Retry-After: 1 was not honoured"
    first, second = request_ids(http_server.requests)
    assert first == second


def test_429_with_retry_after_http_date_waits_then_succeeds(
    mode: str, http_server: ScriptedServer
) -> None:
    # An HTTP date has whole seconds: two seconds ahead is a wait of one to two seconds, far
    # above the 0.05 s backoff this client would use without it.
    in_two_seconds = datetime.now(UTC) + timedelta(seconds=2)
    http_server.script(retry_after(in_two_seconds), reply(200, json=STORED))

    started = time.monotonic()
    update(mode, base_url(http_server), CHANGE)
    waited = time.monotonic() - started

    assert waited >= 0.5, "Retry-After as an HTTP date was not honoured"
    assert len(set(request_ids(http_server.requests))) == 1
    assert len(http_server.requests) == 2


@pytest.mark.parametrize("status", [503, 504])
def test_503_and_504_are_retried_with_the_same_client_request_id(
    mode: str, http_server: ScriptedServer, status: int
) -> None:
    http_server.script(graph_error(status, "Unavailable", "try again"), reply(200, json=STORED))

    (result,) = update(mode, base_url(http_server), CHANGE)

    assert result.learner_user_id == "user-1"
    first, second = http_server.requests
    assert first.headers["client-request-id"] == second.headers["client-request-id"]
    assert first.body == second.body


def test_retries_stop_after_max_attempts(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(*[graph_error(503, "ServiceUnavailable", "still busy")] * 3)

    error = fails(mode, base_url(http_server))

    assert type(error) is sdk.ServerError
    assert (error.status, error.code, error.message) == (503, "ServiceUnavailable", "still busy")
    assert len(http_server.requests) == FAST_RETRY.max_attempts == 3
    assert len(set(request_ids(http_server.requests))) == 1


def test_retries_stop_when_the_backoff_would_pass_max_wait(
    mode: str, http_server: ScriptedServer
) -> None:
    # Waits are in [0.2, 0.4] s then [0.4, 0.8] s: the second would pass max_wait=0.5.
    policy = sdk.RetryPolicy(max_attempts=10, max_wait=0.5, backoff=0.4, backoff_max=10)
    http_server.script(*[graph_error(503, "ServiceUnavailable", "busy")] * 2)

    error = fails(mode, base_url(http_server), retry=policy)

    assert type(error) is sdk.ServerError
    assert len(http_server.requests) == 2


def test_retry_after_longer_than_max_wait_raises_throttled_at_once(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(retry_after(30))

    error = fails(mode, base_url(http_server), retry=sdk.RetryPolicy(max_attempts=5, max_wait=2.0))

    assert type(error) is sdk.ThrottledError
    assert (error.status, error.code, error.retry_after) == (429, "TooManyRequests", 30.0)
    assert len(http_server.requests) == 1


def test_parse_retry_after_reads_seconds_and_http_dates() -> None:
    parse = sdk._retry.parse_retry_after
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    in_90s = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse("120") == 120.0
    assert parse(" 1.5 ") == 1.5
    assert parse(in_90s, now=now.timestamp()) == 90.0
    assert parse("Wed, 01 May 2024 12:01:30 -0000", now=now.timestamp()) == 90.0
    assert parse(format_datetime(now - timedelta(hours=1), usegmt=True), now.timestamp()) == 0.0
    for garbage in (None, "", "-5", "soon", "1e3"):
        assert parse(garbage) is None


def test_retry_policy_refuses_settings_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        sdk.RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="max_wait"):
        sdk.RetryPolicy(max_wait=float("inf"))


# --- transport faults: the SDK's own exceptions, quickly ---------------------------------------


def test_connection_reset_raises_transport_error_without_retrying(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(reset())

    error = fails(mode, base_url(http_server))

    # The request reached the server: sending a PATCH again could apply it twice.
    assert type(error) is sdk.TransportError
    assert f"PATCH {http_server.url}{PATH}" in str(error)
    assert len(http_server.requests) == 1


def test_connection_refused_is_retried_then_raises_transport_error(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="seed_sdk")
    url = f"http://127.0.0.1:{free_port()}/v1.0"

    error = fails(mode, url)

    assert type(error) is sdk.TransportError
    assert "could not connect" in str(error)
    retries = [r for r in caplog.records if r.getMessage().startswith("retrying PATCH")]
    assert len(retries) == FAST_RETRY.max_attempts - 1


def test_slow_body_past_the_timeout_raises_request_timeout_quickly(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(slow_body(3.0, json=STORED))

    started = time.monotonic()
    error = fails(mode, base_url(http_server), timeout=0.3)
    elapsed = time.monotonic() - started

    assert type(error) is sdk.RequestTimeoutError
    assert isinstance(error, sdk.TransportError)
    assert "timed out" in str(error)
    assert elapsed < 2.0, f"gave up after {elapsed:.2f}s, not soon after the 0.3s timeout"
    assert len(http_server.requests) == 1


def test_truncated_body_raises_transport_error(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(truncated_body(200))

    error = fails(mode, base_url(http_server))

    assert type(error) is sdk.TransportError
    assert "closed the connection" in str(error)


def test_invalid_json_on_200_raises_response_decode_error(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(invalid_json(200))

    error = fails(mode, base_url(http_server))

    assert type(error) is sdk.ResponseDecodeError
    assert "not JSON" in str(error)
    assert '{"id": "1", "displayName":' in str(error)


# --- error replies: the ApiError family with Graph's details -----------------------------------


def test_html_error_page_on_502_raises_server_error_with_a_readable_message(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(html_error(502))

    error = fails(mode, base_url(http_server))

    assert type(error) is sdk.ServerError
    assert error.status == 502
    assert error.code is None
    assert error.message == "HTML error page instead of JSON: 502 Error 502 Error The upstream server failed."
    assert "<" not in str(error)
    assert error.body.startswith("<!DOCTYPE html>")
    assert len(http_server.requests) == 1  # 502 is not in the retried statuses


def test_graph_error_on_404_raises_not_found_with_its_details(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(
        graph_error(
            404,
            "ResourceNotFound",
            "The course was not found.",
            request_id="11111111-2222-4333-8444-555555555555",
            date="2024-05-01T12:00:00",
        )
    )

    error = fails(mode, base_url(http_server))

    assert type(error) is sdk.NotFoundError
    assert isinstance(error, sdk.ApiError)
    assert (error.status, error.code, error.message) == (
        404,
        "ResourceNotFound",
        "The course was not found.",
    )
    assert error.request_id == "11111111-2222-4333-8444-555555555555"
    assert error.date == "2024-05-01T12:00:00"
    assert '"ResourceNotFound"' in error.body
    assert (error.method, error.url) == ("PATCH", f"{http_server.url}{PATH}")
    assert str(error) == (
        "404 ResourceNotFound: The course was not found. "
        f"(PATCH {http_server.url}{PATH}) [request-id 11111111-2222-4333-8444-555555555555]"
    )


# --- the token never leaks ---------------------------------------------------------------------


def test_token_is_never_in_reprs_messages_tracebacks_or_logs(
    mode: str, http_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's and httpcore's
    outcomes: list[Callable[[], Any]] = [
        lambda: graph_error(404, "ResourceNotFound", "gone"),
        lambda: html_error(502),
        lambda: retry_after(30),
        lambda: invalid_json(200),
        lambda: reset(),
        lambda: truncated_body(200),
    ]
    errors: list[BaseException] = []
    for make in outcomes:
        http_server.script(make())
        errors.append(fails(mode, base_url(http_server), retry=sdk.RetryPolicy(max_wait=1.0)))
    http_server.script(graph_error(503, "ServiceUnavailable", "busy"), reply(200, json=STORED))
    update(mode, base_url(http_server), CHANGE)
    errors.append(fails(mode, f"http://127.0.0.1:{free_port()}", retry=FAST_RETRY))

    with sdk.Client(base_url(http_server), token=TOKEN) as client:
        assert TOKEN not in repr(client) and TOKEN not in str(client)
        assert "auth=yes" in repr(client)
    for error in errors:
        shown = "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))
        assert TOKEN not in shown, f"{type(error).__name__} shows the token"
    assert {r.name.split(".")[0] for r in caplog.records} >= {"seed_sdk", "httpx", "httpcore"}
    for record in caplog.records:
        assert TOKEN not in record.getMessage(), f"log record from {record.name} shows the token"
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in http_server.requests)


# --- strict mode: the generated validators guard both directions -------------------------------


def test_strict_mode_refuses_an_invalid_body_before_sending(
    mode: str, http_server: ScriptedServer
) -> None:
    body = {"completionPercentage": 2**31, "startedDateTime": "yesterday"}

    error = fails(mode, base_url(http_server), body, strict=True)

    assert type(error) is sdk.RequestValidationError
    # Missing required fields are no error in a PATCH body; the broken values are.
    assert sorted((e.path, e.message) for e in error.errors) == [
        ("/completionPercentage", "2147483648 is above the maximum 2147483647"),
        ("/startedDateTime", "not a valid date-time: 'yesterday'"),
    ]
    assert http_server.requests == ()


def test_strict_mode_accepts_a_partial_patch_body(mode: str, http_server: ScriptedServer) -> None:
    # The required learningContentId and learnerUserId are absent: a PATCH carries only changes.
    http_server.script(reply(200, json=STORED))

    (result,) = update(mode, base_url(http_server), CHANGE, strict=True)

    assert result.learner_user_id == "user-1"
    assert http_server.requests[0].json() == CHANGE


def test_strict_mode_refuses_an_invalid_response(mode: str, http_server: ScriptedServer) -> None:
    broken = {key: value for key, value in STORED.items() if key != "learnerUserId"}
    http_server.script(reply(200, json={**broken, "completionPercentage": "80"}))

    error = fails(mode, base_url(http_server), strict=True)

    assert type(error) is sdk.ResponseValidationError
    assert sorted(e.path for e in error.errors) == ["/completionPercentage", "/learnerUserId"]
