"""The generated client against hostile or careless input (issue 18, client side; issue 16's
typed error body), on a real HTTP server on 127.0.0.1.

Secrets never reach a message, a repr or a log record; credentials never follow a redirect
to another origin; path values never move a request; a trickling or huge answer cannot hold
a call or its memory; and whatever goes wrong, the client raises its own error types.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib
import logging
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.http_server import (
    ScriptedServer,
    free_port,
    redirect,
    reply,
    serve_two_origins,
    trickle,
)

ROOT = Path(__file__).resolve().parents[1]


def _import(folder: str, package: str) -> ModuleType:
    """A committed golden SDK, imported from its folder (the golden record, not a copy)."""
    where = ROOT / "generated" / folder
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(where))


sdk = _import("seed", "seed_sdk")
learning = _import("learning", "learning_sdk")

TOKEN = "tok-9b1e77-SECRET"
PASSWORD = "pw-4c2d-SECRET"
PATH = "/v1.0/learningSelfInitiatedCourse"
STORED: dict[str, Any] = {
    "learningContentId": "content-1",
    "learnerUserId": "user-1",
    "status": "notStarted",
}
CHANGE: dict[str, Any] = {"completionPercentage": 80}
FAST = sdk.RetryPolicy(max_attempts=2, max_wait=2.0, backoff=0.01, backoff_max=0.02)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def call(
    mode: str, url: str, body: Any = CHANGE, *, package: ModuleType = sdk, **settings: Any
) -> Any:
    """One `update_learning_self_initiated_course(body)` (or ``settings['op']`` with its
    ``args``) on a new client; returns its result."""
    op = settings.pop("op", "update_learning_self_initiated_course")
    args = settings.pop("args", (body,))
    options = {"token": TOKEN, "timeout": 2.0, "retry": FAST, **settings}
    if mode == "sync":
        with package.Client(url, **options) as client:
            return getattr(client, op)(*args)

    async def run() -> Any:
        async with package.AsyncClient(url, **options) as client:
            return await getattr(client, op)(*args)

    return asyncio.run(run())


def fails(mode: str, url: str, body: Any = CHANGE, **settings: Any) -> BaseException:
    """What one call raises; the test fails if the call returns or raises a foreign type."""
    package = settings.get("package", sdk)
    try:
        call(mode, url, body, **settings)
    except package.SdkError as error:
        return error
    except BaseException as error:  # noqa: BLE001 - the point: nothing else may escape
        pytest.fail(f"raised {type(error).__name__}, not an SDK error: {error!r}"[:500])
    pytest.fail("the call returned instead of raising")


def shown(error: BaseException) -> str:
    """Everything a user may see of an error: message, repr, traceback, attributes."""
    return "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))


def base(server: ScriptedServer) -> str:
    return f"{server.url}/v1.0"


# --- secrets: tokens as header values, passwords in base_url ---------------------------------

BAD_TOKENS = {
    "trailing newline": TOKEN + "\n",
    "trailing space": TOKEN + " ",
    "space inside": "tok 9b1e77-SECRET",
    "CR LF injection": TOKEN + "\r\nX-Evil: 1",
    "non-ASCII": "tök-9b1e77-SECRET",
}


@pytest.mark.parametrize("given", ["text", "callable"])
@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_token_that_is_no_header_value_is_refused_without_showing_it(
    mode: str, kind: str, given: str, http_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # ours, httpx's and httpcore's
    bad = BAD_TOKENS[kind]
    token: Any = bad if given == "text" else (lambda: bad)

    error = fails(mode, base(http_server), token=token)

    assert type(error) is sdk.CredentialError
    assert "the token is not a valid header value" in str(error)
    secret = "9b1e77-SECRET"  # in every bad token above
    assert secret not in shown(error) and bad not in shown(error)
    assert all(secret not in r.getMessage() for r in caplog.records)
    assert http_server.requests == ()


def test_an_empty_token_means_no_token(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, json=STORED))

    call(mode, base(http_server), token="")

    (sent,) = http_server.requests
    assert "Authorization" not in sent.headers


def test_a_password_in_base_url_reaches_no_message_repr_or_log(
    mode: str, http_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://user:{PASSWORD}@127.0.0.1:{http_server.port}/v1.0"
    http_server.script(reply(404, json={"error": {"code": "NotFound", "message": "gone"}}))
    errors = [fails(mode, url, token=None)]
    errors.append(fails(mode, f"http://user:{PASSWORD}@127.0.0.1:{free_port()}/v1.0", token=None))
    errors.append(fails(mode, f"ftp://user:{PASSWORD}@127.0.0.1/v1.0", token=None))

    (sent,) = http_server.requests
    assert sent.headers["Authorization"].startswith("Basic ")  # used as HTTP basic, as httpx did
    assert [type(e) for e in errors] == [
        sdk.NotFoundError,
        sdk.TransportError,
        sdk.ConfigurationError,
    ]
    for error in errors:
        assert PASSWORD not in shown(error)
    with sdk.Client(url) as client:
        assert PASSWORD not in repr(client)
    assert caplog.records and all(PASSWORD not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("header", ["X-Api-Key", "Cookie", "Proxy-Authorization"])
def test_credential_headers_do_not_follow_a_redirect_to_another_origin(
    mode: str, header: str
) -> None:
    with serve_two_origins() as (home, foreign):
        home.script(redirect(f"{home.url}/v1.0/moved", 307), redirect(f"{foreign.url}{PATH}", 307))
        foreign.script(reply(200, json=STORED))

        call(mode, base(home), token=None, headers={header: f"k={TOKEN}"})

        first, second = home.requests
        (third,) = foreign.requests
    assert first.headers[header] == second.headers[header] == f"k={TOKEN}"  # same origin: kept
    assert header not in third.headers


# --- paths: values never move the request ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("../../me", "..%2F..%2Fme"),
        ("a/b", "a%2Fb"),
        ("...", "..."),
    ],
)
def test_path_values_stay_in_their_segment(
    mode: str, value: str, segment: str, http_server: ScriptedServer
) -> None:
    http_server.script(reply(200, json={"id": "x"}))

    call(
        mode, base(http_server), package=learning, op="get_learning_course_activity", args=(value,)
    )

    (sent,) = http_server.requests
    assert sent.url_path == f"/v1.0/employeeExperience/learningCourseActivities/{segment}"


def test_a_base_url_with_a_query_keeps_its_path_and_query(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(reply(200, json=STORED))

    call(mode, f"{http_server.url}/v1.0?tenant=t1", token=None)

    (sent,) = http_server.requests
    assert (sent.url_path, sent.query) == (PATH, {"tenant": ["t1"]})


# --- hangs and memory --------------------------------------------------------------------------


def test_a_trickling_answer_cannot_hold_a_call_past_its_timeout(
    mode: str, http_server: ScriptedServer
) -> None:
    """One byte a second never trips a per-read timeout; the try's total must."""
    http_server.script(trickle(b'{"learnerUserId": "user-1", "padding": "xxxxxxxxxxxxxxxx"}', 0.5))
    started = time.monotonic()

    error = fails(mode, base(http_server), timeout=1.5)

    elapsed = time.monotonic() - started
    assert type(error) is sdk.RequestTimeoutError
    assert elapsed < 5.0, f"held for {elapsed:.1f}s with timeout=1.5 (the body takes 29 s)"


@pytest.mark.parametrize("http", ["the SDK's", "the caller's"])
def test_a_trickling_head_cannot_hold_a_call_past_its_timeout(
    mode: str, http: str, http_server: ScriptedServer
) -> None:
    """The status line and headers a byte at a time: httpcore bounds each read, not the
    head, so the client itself must stop at the try's total (issue 18), also when it
    sends through the caller's own httpx client."""
    http_server.script(trickle(b'{"learnerUserId": "user-1"}', 0.25, head=True))
    settings: dict[str, Any] = {"timeout": 1.5}
    if http == "the caller's":
        settings["http_client"] = httpx.Client() if mode == "sync" else httpx.AsyncClient()
    started = time.monotonic()

    error = fails(mode, base(http_server), **settings)

    elapsed = time.monotonic() - started
    assert type(error) is sdk.RequestTimeoutError
    assert "timed out" in str(error)
    assert elapsed < 4.0, f"held for {elapsed:.1f}s with timeout=1.5 (the head takes ~20 s)"


def test_the_callers_http_client_is_bounded_only_within_the_sdks_calls(
    http_server: ScriptedServer,
) -> None:
    """The bound on reads the SDK puts on a caller's httpx client holds during its own
    calls only: the caller's own request on it, slower than the SDK's timeout, completes."""
    body = b'{"ok": true}'
    http_server.script(trickle(body, 0.25, head=True), trickle(body, 0.03, head=True))
    with httpx.Client() as http:
        error = fails("sync", base(http_server), timeout=1.0, http_client=http)
        assert type(error) is sdk.RequestTimeoutError
        started = time.monotonic()

        answer = http.get(f"{http_server.url}/mine", timeout=10.0)

        assert answer.json() == {"ok": True}
        assert time.monotonic() - started > 1.5  # longer than the SDK's timeout: not cut


def test_an_httpx_transport_whose_pool_cannot_be_found_is_a_logged_warning(
    http_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Another httpx version may keep its pool elsewhere: the client is then bounded per read
    only, and says so when it is built instead of degrading in silence."""
    with httpx.Client() as http:
        transport: Any = http._transport
        pool, transport._pool = transport._pool, None  # as if httpx had moved it
        with caplog.at_level(logging.WARNING, logger="seed_sdk"):
            sdk.Client(base(http_server), http_client=http)
        transport._pool = pool  # for closing
    assert any("cannot bound the reads of HTTPTransport" in r.getMessage() for r in caplog.records)


def test_an_answer_larger_than_max_response_bytes_is_refused(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(reply(200, b'{"x": "' + b"a" * 3_000_000 + b'"}'))

    error = fails(mode, base(http_server), max_response_bytes=1_000_000)

    assert type(error) is sdk.ResponseTooLargeError
    assert isinstance(error, sdk.TransportError)
    assert "max_response_bytes (1000000 bytes" in str(error)


def test_a_gzip_bomb_is_counted_after_decompression(mode: str, http_server: ScriptedServer) -> None:
    bomb = gzip.compress(b"0" * 300_000_000, compresslevel=9)  # ~300 KB on the wire
    http_server.script(reply(200, bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        # The default cap (100 MiB); a timeout long enough that the cap, not the clock, ends it.
        error = fails(mode, base(http_server), timeout=60.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert type(error) is sdk.ResponseTooLargeError
    assert peak < 300_000_000, f"peak {peak / 1e6:.0f} MB for a {len(bomb) // 1000} KB bomb"


def test_enum_errors_stay_small_for_a_large_enum() -> None:
    v = sdk._validation
    members = tuple(f"member{i:05d}" for i in range(5000))
    check = v.array(v.string(enum=members))
    started = time.monotonic()

    errors = v.run(check, [f"bad{i}" for i in range(20_000)])

    assert len(errors) == 20_000
    assert max(len(str(e)) for e in errors) < 300
    assert "'member00000'" in errors[0].message and "5000 values in all" in errors[0].message
    assert time.monotonic() - started < 5.0
    literal = v.literal(values=tuple(range(5000)))
    found: list[Any] = []
    literal(5001, "", found)
    assert len(found[0].message) < 300


# --- data fidelity: enums, NaN ------------------------------------------------------------------


def test_is_known_is_false_for_an_unknown_value_equal_to_a_member_name() -> None:
    status = sdk.models.CourseStatus
    assert status("notStarted").is_known
    assert status("notStarted") is status.NOT_STARTED
    for value in ("NOT_STARTED", "IN_PROGRESS", "brandNew"):
        member = status(value)
        assert not member.is_known and member.value == value


def test_integer_and_number_enums_are_validated() -> None:
    v = sdk._validation
    found: list[Any] = []
    integers, numbers = v.literal(values=(1, 2, 3)), v.literal(values=(0.5, 1.5))
    for check, good, bad in ((integers, [1, 3], [4, "1", True]), (numbers, [0.5], [2.5, "0.5"])):
        for value in good:
            check(value, "", found)
        assert found == []
        for value in bad:
            check(value, "/x", found)
        assert len(found) == len(bad)
        found.clear()


def test_nan_and_infinity_in_an_answer_are_refused(mode: str, http_server: ScriptedServer) -> None:
    http_server.script(reply(200, b'{"learnerUserId": "u", "completionPercentage": NaN}'))
    http_server.script(reply(200, b'{"learnerUserId": "u", "completionPercentage": -Infinity}'))

    errors = [fails(mode, base(http_server)), fails(mode, base(http_server))]

    assert [type(e) for e in errors] == [sdk.ResponseDecodeError] * 2


def test_nan_in_a_request_body_is_refused_before_sending(
    mode: str, http_server: ScriptedServer
) -> None:
    error = fails(mode, base(http_server), {"completionPercentage": float("nan")})

    assert type(error) is sdk.InvalidRequestError
    assert "not JSON" in str(error)
    assert http_server.requests == ()


# --- only the SDK's own errors -----------------------------------------------------------------


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


HOSTILE: dict[str, Callable[[ScriptedServer], Any]] = {
    "huge Retry-After date": lambda s: reply(
        429, headers={"Retry-After": "Mon, 01 Jan 99999999999 00:00:00 GMT"}
    ),
    "deep JSON answer": lambda s: reply(200, _deep(200_000)),
    "deep JSON error": lambda s: reply(
        400, _deep(200_000), headers={"Content-Type": "application/json"}
    ),
    "redirect to an invalid URL": lambda s: redirect("http://127.0.0.1:port/x", 307),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_answers_raise_only_sdk_errors(
    mode: str, case: str, http_server: ScriptedServer
) -> None:
    http_server.script(*[HOSTILE[case](http_server)] * 2)

    fails(mode, base(http_server))


def test_a_non_ascii_header_value_is_refused_before_sending(
    mode: str, http_server: ScriptedServer
) -> None:
    error = fails(mode, base(http_server), headers={"X-Note": "café"})

    assert type(error) is sdk.InvalidRequestError
    assert "'X-Note'" in str(error)
    assert http_server.requests == ()


def test_an_unusable_base_url_is_a_configuration_error() -> None:
    for url in ("http://h:port/v1.0", "ftp://h/v1.0", "/v1.0", "http://"):
        with pytest.raises(sdk.ConfigurationError):
            sdk.Client(url)


# --- the typed error body ----------------------------------------------------------------------


def test_graph_error_body_is_typed_on_the_api_error(mode: str, http_server: ScriptedServer) -> None:
    body = {
        "error": {
            "code": "BadRequest",
            "message": "Invalid property.",
            "target": "completionPercentage",
            "details": [
                {
                    "code": "OutOfRange",
                    "message": "must be 0-100",
                    "target": "completionPercentage",
                },
                "not an object",
            ],
            "innerError": {
                "request-id": "rid-1",
                "date": "2024-05-01T12:00:00",
                "client-request-id": "cid-1",
                "code": "innerCode",
            },
        }
    }
    http_server.script(reply(400, json=body))

    error = fails(mode, base(http_server))

    assert type(error) is sdk.BadRequestError
    odata = error.odata_error
    assert isinstance(odata, sdk.errors.ODataError)
    assert (odata.code, odata.message, odata.target) == (
        "BadRequest",
        "Invalid property.",
        "completionPercentage",
    )
    assert odata.details == (
        sdk.errors.ODataErrorDetail("OutOfRange", "must be 0-100", "completionPercentage"),
    )
    inner = odata.inner_error
    assert (inner.request_id, inner.date, inner.client_request_id) == (
        "rid-1",
        "2024-05-01T12:00:00",
        "cid-1",
    )
    assert inner.additional_data == {"code": "innerCode"}
    assert (error.code, error.request_id, error.client_request_id) == (
        "BadRequest",
        "rid-1",
        "cid-1",
    )
    assert str(error).startswith("400 BadRequest: Invalid property. (PATCH ")


def test_an_error_body_in_another_shape_has_no_odata_error(
    mode: str, http_server: ScriptedServer
) -> None:
    http_server.script(reply(500, json={"message": "boom"}))

    error = fails(mode, base(http_server), retry=sdk.RetryPolicy(max_attempts=1))

    assert type(error) is sdk.ServerError and error.odata_error is None
