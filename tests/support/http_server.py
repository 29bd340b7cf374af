"""A real threaded HTTP/1.1 server on 127.0.0.1 that records requests and replies from a script.

Tests queue replies (`server.script(...)`), each a normal response or a fault (429 with
Retry-After, connection reset, a stalled body, invalid JSON, an HTML error page, a redirect, a
truncated body), and read back what the client really sent (`server.requests`). Everything is
bounded in time: closing the server wakes stalled replies and drops idle keep-alive connections,
and a handler thread that outlives the close makes `close()` raise.
"""

from __future__ import annotations

import json as jsonlib
import socket
import socketserver
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, Final, cast
from urllib.parse import parse_qs, urlsplit

import pytest

HOST: Final = "127.0.0.1"
IDLE_TIMEOUT_S: Final = 10.0
"""A connection silent this long is dropped: a safety net, tests close servers well before."""
JOIN_TIMEOUT_S: Final = 5.0
"""How long `close()` waits for each handler thread to exit before calling it a hang."""
POLL_INTERVAL_S: Final = 0.05

HeaderPairs = tuple[tuple[str, str], ...]


class Headers(Mapping[str, str]):
    """Read-only request headers, looked up case-insensitively; repeated names are joined by ", "."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs: HeaderPairs = tuple(pairs)
        """Every header as received, in order, names as the client spelled them."""
        merged: dict[str, str] = {}
        for name, value in self.pairs:
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        self._merged = merged

    def __getitem__(self, name: str) -> str:
        return self._merged[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._merged

    def __iter__(self) -> Iterator[str]:
        return iter(self._merged)

    def __len__(self) -> int:
        return len(self._merged)

    def __repr__(self) -> str:
        return f"Headers({self._merged!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    """The request target: path and query string, e.g. `/things/1?$select=name`."""
    headers: Headers
    body: bytes
    client_port: int
    """The client's source port: requests on one keep-alive connection share it."""

    @property
    def url_path(self) -> str:
        """The path without the query string."""
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The query string parsed into name -> values."""
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True)

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError if it is not JSON)."""
        return jsonlib.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """A complete, well-formed response."""

    status: int = 200
    headers: HeaderPairs = ()
    body: bytes = b""


@dataclass(frozen=True)
class Reset:
    """Read the request, then abort the connection with a TCP RST and no response."""


@dataclass(frozen=True)
class SlowBody:
    """Send the status line and headers of `reply` at once, then its body only after `delay_s`."""

    reply: Reply
    delay_s: float


@dataclass(frozen=True)
class TruncatedBody:
    """Announce `missing` more body bytes in Content-Length than are sent, then close."""

    reply: Reply
    missing: int


@dataclass(frozen=True)
class Respond:
    """Answer with whatever `answer` makes of the request (a server with logic, e.g. `$batch`)."""

    answer: Callable[[RecordedRequest], Reply]


@dataclass(frozen=True)
class Trickle:
    """Send the head of `reply` at once, then its body one byte every `interval_s` (with
    `head`, the status line and headers come one byte at a time too)."""

    reply: Reply
    interval_s: float
    head: bool = False


Action = Reply | Reset | SlowBody | TruncatedBody | Respond | Trickle


class _NoJson:
    """Marks "no JSON body given" (None is a valid JSON body: null)."""


_NO_JSON: Final = _NoJson()


BatchItemAnswer = tuple[int, Mapping[str, str], Any]
"""One `$batch` item's answer: status, headers, JSON body (None: no body)."""


def batch(answer: Callable[[dict[str, Any]], BatchItemAnswer]) -> Respond:
    """A Graph `$batch` endpoint: each request of `{"requests": [...]}` is answered by
    `answer(request)`, and the responses are sent in reverse order (Graph promises none)."""

    def respond(request: RecordedRequest) -> Reply:
        responses = []
        for item in request.json()["requests"]:
            status, headers, body = answer(item)
            response: dict[str, Any] = {
                "id": item["id"],
                "status": status,
                "headers": dict(headers),
            }
            if body is not None:
                response["body"] = body
            responses.append(response)
        return reply(200, json={"responses": responses[::-1]})

    return Respond(respond)


def _pairs(
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> HeaderPairs:
    if headers is None:
        return ()
    if isinstance(headers, Mapping):
        return tuple((str(k), str(v)) for k, v in headers.items())
    return tuple((str(k), str(v)) for k, v in headers)


def _has(pairs: HeaderPairs, name: str) -> bool:
    return any(k.lower() == name.lower() for k, _ in pairs)


def reply(
    status: int = 200,
    body: bytes | str = b"",
    *,
    json: Any = _NO_JSON,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
) -> Reply:
    """A normal response; `json=` serialises a value and sets `Content-Type: application/json`."""
    pairs = _pairs(headers)
    if not isinstance(json, _NoJson):
        body = jsonlib.dumps(json).encode()
        if not _has(pairs, "Content-Type"):
            pairs += (("Content-Type", "application/json"),)
    return Reply(status, pairs, body.encode() if isinstance(body, str) else body)


def graph_error(
    status: int,
    code: str,
    message: str,
    *,
    request_id: str = "00000000-0000-4000-8000-000000000001",
    date: str = "2024-01-01T00:00:00",
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
) -> Reply:
    """An error in Microsoft Graph's shape: `{"error": {code, message, innerError}}` + request-id."""
    error = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"request-id": request_id, "date": date},
        }
    }
    pairs = (("request-id", request_id),) + _pairs(headers)
    return reply(status, json=error, headers=pairs)


_THROTTLE_CODES: Final = {
    429: "TooManyRequests",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


def retry_after(value: int | datetime | str, status: int = 429) -> Reply:
    """A throttling reply (429, 503 or 504) with `Retry-After`: seconds, an HTTP date, or raw text.

    A datetime is sent in HTTP-date form (IMF-fixdate, GMT); a naive one is taken as UTC.
    """
    if status not in _THROTTLE_CODES:
        raise ValueError(
            f"retry_after status must be one of {sorted(_THROTTLE_CODES)}, not {status}"
        )
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        header = format_datetime(aware.astimezone(UTC), usegmt=True)
    elif isinstance(value, int):
        if value < 0:
            raise ValueError("Retry-After seconds cannot be negative")
        header = str(value)
    else:
        header = value
    return graph_error(
        status,
        _THROTTLE_CODES[status],
        "Retry later.",
        headers=(("Retry-After", header),),
    )


def reset() -> Reset:
    """Abort the connection (RST, via SO_LINGER 0) after reading the request, with no response."""
    return Reset()


def slow_body(delay_s: float, *, status: int = 200, json: Any = None) -> SlowBody:
    """Send headers now and the JSON body (default `{"slow": true}`) only after `delay_s`.

    Closing the server cuts the wait short, so a long delay never holds a test up.
    """
    if delay_s < 0:
        raise ValueError("delay_s cannot be negative")
    return SlowBody(
        reply(status, json={"slow": True} if json is None else json), delay_s
    )


def invalid_json(status: int = 200) -> Reply:
    """A reply that says `application/json` but whose body is not JSON."""
    return reply(
        status,
        b'{"id": "1", "displayName": ',
        headers={"Content-Type": "application/json"},
    )


def html_error(status: int) -> Reply:
    """An HTML error page, as proxies and gateways send: not JSON, not Graph's error shape."""
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{status} Error</title></head>\n"
        f"<body><h1>{status} Error</h1><p>The upstream server failed.</p></body></html>\n"
    )
    return reply(status, page, headers={"Content-Type": "text/html; charset=utf-8"})


_REDIRECTS: Final = (301, 302, 303, 307, 308)


def redirect(to_url: str, status: int = 302) -> Reply:
    """A redirect to `to_url` (absolute, possibly another origin) with an empty body."""
    if status not in _REDIRECTS:
        raise ValueError(f"redirect status must be one of {_REDIRECTS}, not {status}")
    return reply(status, headers={"Location": to_url})


def trickle(
    body: bytes, interval_s: float = 1.0, *, status: int = 200, head: bool = False
) -> Trickle:
    """A JSON answer whose body comes one byte per `interval_s` (a server that never quite
    stalls, so no per-read timeout fires); with `head`, its status line and headers too.
    Closing the server stops it."""
    answer = reply(status, body, headers={"Content-Type": "application/json"})
    return Trickle(answer, interval_s, head)


def truncated_body(status: int = 200, *, missing: int = 64) -> TruncatedBody:
    """A JSON reply whose Content-Length promises `missing` more bytes than are sent before close."""
    if missing < 1:
        raise ValueError("missing must be at least 1")
    return TruncatedBody(
        reply(status, json={"id": "1", "displayName": "cut short"}), missing
    )


def _head_bytes(response: Reply, content_length: int) -> bytes:
    """The status line and headers of `response`, as `_Handler._send_head` sends them."""
    lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    if not _has(response.headers, "Content-Length"):
        lines.append(f"Content-Length: {content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Handler(BaseHTTPRequestHandler):
    """Reads one request at a time (keep-alive), records it, performs the next scripted action."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S

    @property
    def owner(self) -> ScriptedServer:
        return cast(_Server, self.server).owner

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `server.requests`, not stderr."""

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline(65537).split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _dispatch(self) -> None:
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers=Headers(self.headers.items()),
            body=self._read_body(),
            client_port=self.client_address[1],
        )
        action = self.owner._take(request)
        if action is None:
            text = f"apigen test server: no scripted reply left for {request.method} {request.path}"
            self._send(reply(500, text, headers={"Content-Type": "text/plain"}))
        elif isinstance(action, Reply):
            self._send(action)
        elif isinstance(action, Respond):
            self._send(action.answer(request))
        elif isinstance(action, Reset):
            self._reset()
        elif isinstance(action, SlowBody):
            self._send_head(action.reply, len(action.reply.body))
            if self.owner._stopping.wait(action.delay_s):
                self.close_connection = True
                return
            self._write(action.reply.body)
        elif isinstance(action, Trickle):
            data = action.reply.body
            if action.head:
                data = _head_bytes(action.reply, len(data)) + data
            else:
                self._send_head(action.reply, len(data))
            for index in range(len(data)):
                if self.owner._stopping.wait(action.interval_s if index else 0):
                    break
                try:
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()
                except OSError:
                    break  # the client gave up, as it should
            self.close_connection = True
        else:
            self._send_head(action.reply, len(action.reply.body) + action.missing)
            self._write(action.reply.body)
            self.close_connection = True

    def _send_head(self, response: Reply, content_length: int) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        bodiless = response.status < 200 or response.status in (204, 304)
        if not bodiless and not _has(response.headers, "Content-Length"):
            self.send_header("Content-Length", str(content_length))
        self.end_headers()
        self.wfile.flush()

    def _send(self, response: Reply) -> None:
        self._send_head(response, len(response.body))
        if self.command != "HEAD":
            self._write(response.body)

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = (
                True  # the client went away (e.g. after its own timeout)
            )

    def _reset(self) -> None:
        self.close_connection = True
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.rfile.close()  # drop makefile's reference, so close() really closes the socket now
        self.connection.close()


class _Server(socketserver.TCPServer):
    """One thread per connection, each tracked so `close()` can wake it and wait for it."""

    allow_reuse_address = False
    daemon_threads = True

    def __init__(self, owner: ScriptedServer) -> None:
        self.owner = owner
        super().__init__((HOST, 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"scripted-http-{self.server_address[1]}-{client_address[1]}",
            daemon=True,
        )
        with self.owner._lock:
            self.owner._connections.add(request)
            self.owner._threads.append(thread)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except (OSError, ValueError) as exc:  # the client hung up; a malformed chunk
            with self.owner._lock:
                self.owner._errors.append(exc)
        finally:
            with self.owner._lock:
                self.owner._connections.discard(request)
            self.shutdown_request(request)


class ScriptedServer:
    """A running server: `url`, `script(*actions)`, `requests`; see the module docstring."""

    def __init__(self, advertised_host: str = HOST) -> None:
        """Bind a free port on 127.0.0.1; `advertised_host` is the host name put in `url`."""
        self._lock = threading.Lock()
        self._script: deque[Action] = deque()
        self._requests: list[RecordedRequest] = []
        self._unscripted: list[RecordedRequest] = []
        self._errors: list[Exception] = []
        """Exceptions that ended a connection's handler (for debugging a failing test)."""
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._httpd = _Server(self)
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://{advertised_host}:{self.port}"
        """The origin, e.g. `http://127.0.0.1:40123` (no trailing slash)."""
        self._loop: threading.Thread | None = None

    def start(self) -> None:
        """Start accepting connections."""
        self._loop = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL_S},
            name=f"scripted-http-{self.port}",
            daemon=True,
        )
        self._loop.start()

    def script(self, *actions: Action) -> None:
        """Queue replies; each request takes the next one, whatever its method and path."""
        with self._lock:
            self._script.extend(actions)

    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        """Every request received so far, in arrival order (scripted or not)."""
        with self._lock:
            return tuple(self._requests)

    @property
    def unscripted(self) -> tuple[RecordedRequest, ...]:
        """Requests that arrived when the script was empty (they got a 500)."""
        with self._lock:
            return tuple(self._unscripted)

    @property
    def pending(self) -> int:
        """How many scripted replies have not been used."""
        with self._lock:
            return len(self._script)

    def assert_no_unscripted(self) -> None:
        """Fail if any request found the script empty: the test expected fewer requests."""
        extra = self.unscripted
        if extra:
            listed = ", ".join(f"{r.method} {r.path}" for r in extra)
            raise AssertionError(
                f"{self.url} got requests with no scripted reply: {listed}"
            )

    def _take(self, request: RecordedRequest) -> Action | None:
        with self._lock:
            self._requests.append(request)
            if self._script:
                return self._script.popleft()
            self._unscripted.append(request)
            return None

    def close(self) -> None:
        """Stop listening, wake stalled replies, drop open connections, wait for every thread."""
        self._stopping.set()
        if self._loop is not None:
            self._httpd.shutdown()
            self._loop.join(JOIN_TIMEOUT_S)
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its handler
        for thread in threads:
            thread.join(JOIN_TIMEOUT_S)
        stuck = [t.name for t in threads if t.is_alive()]
        if self._loop is not None and self._loop.is_alive():
            stuck.append(self._loop.name)
        if stuck:
            raise RuntimeError(
                f"server threads still running after close: {', '.join(stuck)}"
            )


@contextmanager
def serve(*, advertised_host: str = HOST) -> Iterator[ScriptedServer]:
    """Run a scripted server for the duration of the block."""
    server = ScriptedServer(advertised_host)
    server.start()
    try:
        yield server
    finally:
        server.close()


@contextmanager
def serve_two_origins() -> Iterator[tuple[ScriptedServer, ScriptedServer]]:
    """Two servers of different origins: `http://127.0.0.1:P` and `http://localhost:Q`.

    Both listen on 127.0.0.1 (loopback only), but host name and port differ, so a client that
    compares hosts, or whole origins, sees the second as foreign (cross-origin redirect tests).
    """
    with serve() as first, serve(advertised_host="localhost") as second:
        yield first, second


@pytest.fixture(name="http_server")
def http_server_fixture() -> Iterator[ScriptedServer]:
    """A scripted server at `http://127.0.0.1:<port>`; a request beyond the script fails the test."""
    with serve() as server:
        yield server
        server.assert_no_unscripted()


@pytest.fixture(name="other_origin_server")
def other_origin_server_fixture() -> Iterator[ScriptedServer]:
    """A second scripted server at `http://localhost:<port>`: another origin than `http_server`."""
    with serve(advertised_host="localhost") as server:
        yield server
        server.assert_no_unscripted()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
