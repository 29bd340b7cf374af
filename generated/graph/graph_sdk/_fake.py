"""The engine of the test double in `testing`: an in-process fake of the API as an httpx
transport, driven by the table of the spec's operations that `testing` holds.

Entities live in memory, in collections named by their path (`/me/drive/items/x/children`);
an entity is also found by its id from any path that addresses its type, as Graph ids are
global. Each operation is answered by its role (create, get, list, update, replace,
delete, delta, download, upload, upload session); bodies are checked with the SDK's own
validators; errors carry Graph's error body. `Fake.fail` and `Fake.slow` make the next
calls fail or answer late. Nothing here runs unless a test builds a fake.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

import httpx

from . import _fake_query as _q
from . import _validation as _v
from ._runtime import Model

__all__ = ["Call", "Fake", "OperationSpec"]

# One operation as the generated table lists it: (method name, HTTP method, path template,
# role, the validators' key of its JSON body, the validators' key of its entity, status).
OperationSpec = tuple[str, str, str, str, str | None, str | None, int]
# A test's own answer for an operation: the request in, the response out.
Handler = Callable[[httpx.Request], httpx.Response]

DOWNLOAD_HOST = "download.fake.test"
UPLOAD_HOST = "upload.fake.test"
FALLBACK_BASE_URL = "https://api.fake.test"
CHUNK_MULTIPLE = 327_680  # upload session chunks: a multiple of 320 KiB but the last
MAX_BATCH = 20
_PARAM = re.compile(r"\{([^{}/]+)\}")
# An alternate key segment: `learningCourseActivities(externalCourseActivityId='{id}')`.
_ALTERNATE_KEY = re.compile(r"([^()/]+)\(([^()=/]+)='\{([^{}/]+)\}'\)\Z")
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)\Z")


@dataclass(frozen=True)
class Call:
    """One request the fake received: ``operation`` is the client method it addresses
    (None for `$batch`, downloads, upload sessions and unknown paths), ``at`` its
    `time.monotonic()` arrival."""

    request: httpx.Request
    operation: str | None
    status: int
    at: float

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.request.url.path

    def json(self) -> Any:
        """The request's JSON body (None when it has none)."""
        return json.loads(self.request.content) if self.request.content else None


@dataclass
class _Rule:
    """A failure the next calls get: ``status`` (None: only ``delay``), ``times`` left."""

    status: int | None
    times: int
    operation: str | None
    path: str | None
    method: str | None
    retry_after: float | None
    delay: float
    code: str | None
    message: str | None

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        return (
            self.times > 0
            and (self.operation is None or self.operation == operation)
            and (self.method is None or self.method.upper() == method)
            and (self.path is None or fnmatchcase(path, self.path))
        )


@dataclass
class _Answer:
    status: int
    body: Any = None  # JSON data, or bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def content(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if not any(name.lower() == "content-type" for name in self.headers):
            self.headers["Content-Type"] = "application/json"
        return json.dumps(self.body, separators=(",", ":")).encode()


@dataclass(frozen=True)
class _Route:
    name: str
    method: str
    template: str
    role: str
    body_key: str | None
    model: str | None
    status: int
    segments: tuple[str | re.Pattern[str], ...]
    pure: tuple[bool, ...]  # the segment is one `{parameter}`, nothing else

    @property
    def literal_count(self) -> int:
        return sum(isinstance(s, str) for s in self.segments)


def _route(spec: OperationSpec) -> _Route:
    name, method, template, role, body_key, model, status = spec
    segments: list[str | re.Pattern[str]] = []
    for part in template.strip("/").split("/"):
        if "{" not in part:
            segments.append(part.lower())
            continue
        pieces = re.split(r"(\{[^{}/]+\})", part)
        regex = "".join("(.+?)" if _PARAM.fullmatch(p) else re.escape(p) for p in pieces)
        segments.append(re.compile(regex + r"\Z", re.IGNORECASE))
    pure = tuple(_PARAM.fullmatch(p) is not None for p in template.strip("/").split("/"))
    return _Route(name, method, template, role, body_key, model, status, tuple(segments), pure)


def _matches(route: _Route, parts: Sequence[str]) -> bool:
    if len(parts) != len(route.segments):
        return False
    for segment, part in zip(route.segments, parts, strict=True):
        if isinstance(segment, str):
            if segment != part.lower():
                return False
        elif segment.match(part) is None:
            return False
    return True


class _Problem(Exception):
    """An error answer: status, Graph error code, message, and per-field details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = tuple(details)
        self.headers = dict(headers or {})


def _not_found(what: str) -> _Problem:
    return _Problem(404, "itemNotFound", f"{what} was not found")


def _unsupported(exc: _q.Unsupported) -> _Problem:
    return _Problem(400, "BadRequest", str(exc))


@dataclass
class _Session:
    """An upload session: where the file lands, the bytes so far, what the item gets."""

    collection: str
    key: str
    properties: dict[str, Any]
    model: str | None
    received: bytearray = field(default_factory=bytearray)
    total: int | None = None
    expires: datetime = field(default_factory=lambda: datetime.now(UTC) + timedelta(hours=1))

    def status(self) -> dict[str, Any]:
        return {
            "expirationDateTime": self.expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "nextExpectedRanges": [f"{len(self.received)}-"],
        }


class Fake:
    """An in-process fake of the API (see `testing.FakeApi`, which builds it for this SDK)."""

    def __init__(
        self,
        operations: Sequence[OperationSpec],
        base_url: str,
        checks: Mapping[str, _v.Check],
        properties: Mapping[str, Collection[str]],
        *,
        page_size: int = 100,
    ) -> None:
        self.base_url = httpx.URL((base_url or FALLBACK_BASE_URL).rstrip("/") + "/")
        self.page_size = page_size
        self.calls: list[Call] = []
        routes = sorted((_route(op) for op in operations), key=lambda r: -r.literal_count)
        self._routes = tuple(routes)
        self._checks = checks
        self._properties = properties
        self._rules: list[_Rule] = []
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.RLock()
        self._collections: dict[str, dict[str, dict[str, Any]]] = {}
        self._kinds: dict[str, str | None] = {}
        self._versions: dict[tuple[str, str], int] = {}
        self._removed: list[tuple[int, str | None, str]] = []  # (version, model, id)
        self._content: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._downloads: dict[str, tuple[bytes, str]] = {}
        self._sessions: dict[str, _Session] = {}
        self._version = 0
        self._ids = itertools.count(1)
        self._clients: list[httpx.Client] = []

    # -- the test's side ------------------------------------------------------------

    @property
    def requests(self) -> list[httpx.Request]:
        """Every request received, in order (bodies read)."""
        return [call.request for call in self.calls]

    def http_client(self) -> httpx.Client:
        """An `httpx.Client` whose requests this fake answers (pass it as ``http_client``);
        `close` closes it."""
        client = httpx.Client(transport=FakeTransport(self))
        self._clients.append(client)
        return client

    def close(self) -> None:
        """Close the `httpx.Client`s this fake made."""
        for client in self._clients:
            client.close()
        self._clients.clear()

    def async_http_client(self) -> httpx.AsyncClient:
        """An `httpx.AsyncClient` whose requests this fake answers."""
        return httpx.AsyncClient(transport=AsyncFakeTransport(self))

    def add(self, path: str, *entities: Model | Mapping[str, Any]) -> list[dict[str, Any]]:
        """Seed ``entities`` into the collection at ``path`` (e.g. ``"/me/drive/items"``), or
        set the single entity a path such as ``"/me"`` addresses; an entity without an
        ``id`` gets one. Values are checked against the schema (required properties may be
        missing); returns the stored entities. Raises ValueError when no operation of the
        spec addresses ``path`` or a value does not fit."""
        collection, model, singleton = self._collection_for(path)
        stored = []
        with self._lock:
            for entity in entities:
                data = entity.to_dict() if isinstance(entity, Model) else dict(entity)
                errors = self._validate(model, data, partial=True)
                if errors:
                    listed = "; ".join(f"{e['target']}: {e['message']}" for e in errors)
                    raise ValueError(f"entity for {path} does not fit the schema: {listed}")
                if singleton:
                    stored.append(self._store(collection, "", model, data))
                else:
                    data.setdefault("id", self._new_id())
                    stored.append(self._store(collection, str(data["id"]), model, data))
        return [dict(e) for e in stored]

    def entities(self, path: str) -> list[dict[str, Any]]:
        """The entities in the collection at ``path``, in insertion order (copies)."""
        with self._lock:
            collection = self._collection_for(path)[0]
            return [_copy(e) for e in self._collections.get(collection, {}).values()]

    def set_content(
        self, path: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        """Store ``data`` as the content of the entity at ``path`` (``.../items/{id}``)."""
        with self._lock:
            collection, key = self._find(_normal(path))
            self._content[(collection, key)] = (bytes(data), content_type)

    def content(self, path: str) -> bytes | None:
        """The content stored for the entity at ``path``, None if it has none."""
        with self._lock:
            collection, key = self._find(_normal(path))
            found = self._content.get((collection, key))
            return None if found is None else found[0]

    def fail(
        self,
        status: int = 503,
        *,
        times: int = 1,
        operation: str | None = None,
        path: str | None = None,
        method: str | None = None,
        retry_after: float | None = None,
        code: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with ``status`` (429 and 503 carry
        `Retry-After`: ``retry_after`` seconds, 1 by default for 429). A call matches when
        it addresses ``operation`` (a client method name), its path (relative to the base
        URL) matches the glob ``path``, and its method is ``method``; None matches any."""
        if retry_after is None and status == 429:
            retry_after = 1.0
        rule = _Rule(status, times, operation, path, method, retry_after, 0.0, code, message)
        with self._lock:
            self._rules.append(rule)

    def slow(
        self,
        seconds: float,
        *,
        times: int = 1,
        operation: str | None = None,
        path: str | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls (as in `fail`) after ``seconds``; a
        client whose read timeout is shorter gets `httpx.ReadTimeout` when it runs out."""
        rule = _Rule(None, times, operation, path, method, None, seconds, None, None)
        with self._lock:
            self._rules.append(rule)

    def on(self, operation: str, handler: Handler) -> None:
        """Answer ``operation`` (a client method name) with ``handler`` from now on: for
        actions and functions, whose effect the fake cannot know."""
        if not any(route.name == operation for route in self._routes):
            raise ValueError(f"no operation named {operation!r}")
        self._handlers[operation] = handler

    def calls_to(self, operation: str) -> list[Call]:
        """The calls that addressed ``operation``."""
        return [call for call in self.calls if call.operation == operation]

    # -- the transport's side -------------------------------------------------------

    def handle(self, request: httpx.Request) -> tuple[httpx.Response, float]:
        """The answer to ``request`` (its body already read) and how late to give it."""
        with self._lock:
            answer, operation = self._answer(request)
            content = answer.content()
            self.calls.append(Call(request, operation, answer.status, time.monotonic()))
        headers = {**answer.headers}
        if request.url.host not in (DOWNLOAD_HOST, UPLOAD_HOST):
            request_id = str(uuid.uuid4())
            headers.setdefault("request-id", request_id)
            headers.setdefault(
                "client-request-id", request.headers.get("client-request-id", request_id)
            )
        response = httpx.Response(answer.status, headers=headers, content=content, request=request)
        return response, answer.delay

    def _answer(self, request: httpx.Request) -> tuple[_Answer, str | None]:
        url = request.url
        try:
            if url.host in (DOWNLOAD_HOST, UPLOAD_HOST):
                # Failures apply here too (`path="/sessions/*"`), to test resuming uploads.
                delay = self._failure(request.method, url.path, None)
                if url.host == DOWNLOAD_HOST:
                    answer = self._download(request)
                else:
                    answer = self._upload_chunk(request)
                answer.delay = delay
                return answer, None
            relative = self._relative(url)
            if relative is None:
                raise _Problem(
                    404,
                    "fakeUnknownHost",
                    f"the fake API serves {self.base_url}, not {url.copy_with(query=None)}",
                )
            query = {
                (k.lower() if k.startswith("$") else k): v
                for k, v in parse_qsl(url.query.decode("ascii"), keep_blank_values=True)
            }
            body = request.content
            return self._dispatch(request, request.method, relative, query, body, request.headers)
        except _Problem as problem:
            return self._error(problem, request.headers), None

    def _dispatch(
        self,
        request: httpx.Request,
        method: str,
        relative: str,
        query: dict[str, str],
        body: bytes,
        headers: httpx.Headers,
    ) -> tuple[_Answer, str | None]:
        if relative.strip("/").lower() == "$batch" and method == "POST":
            try:
                delay = self._failure(method, relative, None)
                answer = self._batch(body, headers)
            except _Problem as problem:
                return self._error(problem, headers), None
            answer.delay = delay
            return answer, None
        raw_parts = relative.strip("/").split("/")
        candidates = [r for r in self._routes if _matches(r, raw_parts)]
        route = next((r for r in candidates if r.method == method), None)
        try:
            answer = self._operation(request, method, relative, route, candidates, query, body)
        except _Problem as problem:
            answer = self._error(problem, headers)
        return answer, route.name if route is not None else None

    def _operation(
        self,
        request: httpx.Request,
        method: str,
        relative: str,
        route: _Route | None,
        candidates: list[_Route],
        query: dict[str, str],
        body: bytes,
    ) -> _Answer:
        delay = self._failure(method, relative, route)
        if route is None:
            if candidates:
                raise _Problem(
                    405, "methodNotAllowed", f"{method} is not an operation of {relative}"
                )
            raise _Problem(400, "BadRequest", f"no operation of the spec matches {relative}")
        handler = self._handlers.get(route.name)
        if handler is not None:
            response = handler(request)
            response.read()
            given: Any = response.content
            if given and "json" in response.headers.get("content-type", ""):
                given = response.json()  # as JSON, so a `$batch` answer holds it as JSON
            # The body is encoded again: its length and encoding are the fake's to set.
            kept = {
                k: v
                for k, v in response.headers.items()
                if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
            }
            answer = _Answer(response.status_code, given, kept)
        else:
            parts = [unquote(p) for p in relative.strip("/").split("/")]
            try:
                answer = self._by_role(route, parts, query, body, request.headers)
            except _q.Unsupported as exc:
                raise _unsupported(exc) from None
        answer.delay = delay
        return answer

    def _failure(self, method: str, relative: str, route: _Route | None) -> float:
        """Applies the first matching failure rule: raises its error, or returns its delay."""
        name = route.name if route is not None else None
        for rule in self._rules:
            if not rule.matches(method, relative, name):
                continue
            rule.times -= 1
            if rule.status is None:
                return rule.delay
            headers = {}
            if rule.retry_after is not None:
                headers["Retry-After"] = _seconds(rule.retry_after)
            code, message = _FAILURES.get(rule.status, ("failure", "injected failure"))
            raise _Problem(rule.status, rule.code or code, rule.message or message, headers=headers)
        return 0.0

    def _relative(self, url: httpx.URL) -> str | None:
        base = self.base_url
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            return None
        raw = url.raw_path.split(b"?", 1)[0].decode("ascii")
        prefix = base.raw_path.decode("ascii")
        if not raw.startswith(prefix):
            return None
        return "/" + raw[len(prefix) :]

    # -- roles ----------------------------------------------------------------------

    def _by_role(
        self,
        route: _Route,
        parts: list[str],
        query: dict[str, str],
        body: bytes,
        headers: httpx.Headers,
    ) -> _Answer:
        role = route.role
        if role == "delta":
            return self._delta(route, parts, query, headers)
        suffix = parts[-1].lower() in ("createuploadsession", "content")
        if role in ("upload_session", "download", "upload") and suffix and len(parts) > 1:
            parts = parts[:-1]
        pending: str | None = None
        if ":/" in route.template:
            collection, key, pending, rest = self._addressed(
                route, parts, role in ("upload", "upload_session")
            )
            if role in ("list", "create"):
                collection = f"/~/{key}/{'/'.join(rest)}"
        elif role in ("list", "create"):
            collection, key = self._collection_key(route, parts), ""
        else:
            collection, key = self._address(route, parts)
        if role == "list":
            return self._list(route, collection, _join(parts), query, headers)
        if role == "create":
            return self._create(route, collection, body)
        if role == "upload_session":
            return self._start_session(route, collection, key, pending, body)
        if role == "upload":
            content_type = headers.get("content-type", "application/octet-stream")
            return self._replace_content(route.model, collection, key, pending, body, content_type)
        if role not in ("get", "update", "replace", "delete", "download"):
            raise _Problem(
                501,
                "notImplemented",
                f"the fake API cannot know what {route.name} ({route.method} {route.template}) "
                "does; answer it in the test with fake.on(...)",
            )
        collection, key = self._find_entity(collection, key)
        if role == "get":
            options = _q.parse_options(query, _q.GET_OPTIONS)
            self._check_select(route.model, options.select)
            entity = self._collections[collection][key]
            return self._entity_answer(200, entity, collection, key, options.select)
        if role in ("update", "replace"):
            return self._update(route, collection, key, body, headers, replace=role == "replace")
        if role == "delete":
            self._check_etag(collection, key, headers)
            self._delete(collection, key)
            return _Answer(204)
        return self._start_download(route, collection, key)

    def _addressed(
        self, route: _Route, parts: list[str], may_create: bool
    ) -> tuple[str, str, str | None, list[str]]:
        """Graph's path addressing (`items/{id}:/folder/file.txt:/content`, `root:/a.txt`):
        (collection, key) of the item the path names, the name of a last item to create
        (``may_create``; the key is then ""), and the segments after the path."""
        start = next(n for n, part in enumerate(parts) if part.endswith(":"))
        stop = next(
            (n for n in range(start + 1, len(parts)) if parts[n].endswith(":")), len(parts) - 1
        )
        base = [*parts[:start], parts[start][:-1]]
        names = [n for part in parts[start + 1 : stop + 1] for n in part.rstrip(":").split("/")]
        rest = parts[stop + 1 :]
        collection, key = self._find_entity(self._collection_key(route, base[:-1]), base[-1])
        for depth, name in enumerate(n for n in names if n):
            children = f"/~/{key}/children"
            found = next(
                (
                    k
                    for k, e in self._collections.get(children, {}).items()
                    if e.get("name") == name
                ),
                None,
            )
            if found is None:
                if may_create and depth == len([n for n in names if n]) - 1:
                    self._kinds.setdefault(children, self._kinds.get(collection))
                    return children, "", name, rest
                raise _not_found(f"the item {name!r}")
            collection, key = children, found
        return collection, key, None, rest

    def _collection_key(self, route: _Route, parts: Sequence[str]) -> str:
        """Where a collection's entities are kept: a navigation of an entity addressed by
        its id (`.../items/{id}/children`) is the same wherever the path starts, as Graph
        ids are global (`/~/{id}/children`); any other collection is kept by its path."""
        if len(parts) >= 2 and route.pure[len(parts) - 2]:
            return f"/~/{parts[-2]}/{parts[-1]}"
        return _join(parts)

    def _list(
        self,
        route: _Route,
        collection: str,
        path: str,
        query: dict[str, str],
        headers: httpx.Headers,
    ) -> _Answer:
        options = _q.parse_options(query, _q.LIST_OPTIONS)
        known = self._known(route.model)
        self._check_select(route.model, options.select)
        items = list(self._collections.get(collection, {}).items())
        if options.filter is not None:
            keep = _q.parse_filter(options.filter, known, route.model or "?")
            items = [(key, item) for key, item in items if keep(item)]
        _q.check_properties(tuple(name for name, _ in options.orderby), known, route.model or "?")
        for name, descending in reversed(options.orderby):  # stable: the last key first
            by = _q.sort_key(name)
            items.sort(key=lambda pair: by(pair[1]), reverse=descending)
        count = len(items)
        start = options.skip or 0
        items = items[start : None if options.top is None else start + options.top]
        offset = _offset(query.get("$skiptoken"))
        size = _page_size(headers, self.page_size)
        page = items[offset : offset + size]
        data: dict[str, Any] = {
            "value": [
                self._render(item, options.select, self._etag(collection, key))
                for key, item in page
            ],
        }
        if options.count:
            data["@odata.count"] = count
        if offset + size < len(items):
            data["@odata.nextLink"] = self._link(path, query, {"$skiptoken": offset + size})
        return _Answer(200, data)

    def _delta(
        self, route: _Route, parts: list[str], query: dict[str, str], headers: httpx.Headers
    ) -> _Answer:
        """Every entity of the delta's type, then what changed since the delta link's
        token: changed entities, and removed ones as `{"id", "@removed"}`."""
        options = _q.parse_options(query, _q.DELTA_OPTIONS)
        self._check_select(route.model, options.select)
        token = query.get("$deltatoken")
        since = None
        if token is not None:
            if not token.isdigit() or int(token) > self._version:
                raise _Problem(410, "resyncRequired", "the delta token is not valid; start over")
            since = int(token)
        offset, snapshot = _offset(query.get("$skiptoken")), self._version
        if "$skiptoken" in query and "." in query["$skiptoken"]:
            snapshot = int(query["$skiptoken"].split(".", 1)[1])
        changes: list[tuple[int, dict[str, Any]]] = []
        for collection, members in self._collections.items():
            if self._kinds.get(collection) != route.model:
                continue
            for key, entity in members.items():
                version = self._versions[(collection, key)]
                if version <= snapshot and (since is None or version > since):
                    etag = self._etag(collection, key)
                    changes.append((version, self._render(entity, options.select, etag)))
        if since is not None:
            changes.extend(
                (version, {"id": key, "@removed": {"reason": "deleted"}})
                for version, model, key in self._removed
                if model == route.model and since < version <= snapshot
            )
        changes.sort(key=lambda change: change[0])
        size = options.top or _page_size(headers, self.page_size)
        page = [item for _, item in changes[offset : offset + size]]
        data: dict[str, Any] = {"value": page}
        path = _join(parts)
        if offset + size < len(changes):
            data["@odata.nextLink"] = self._link(
                path, query, {"$skiptoken": f"{offset + size}.{snapshot}"}
            )
        else:
            kept = {k: v for k, v in query.items() if k == "$select"}
            data["@odata.deltaLink"] = self._link(path, kept, {"$deltatoken": snapshot})
        return _Answer(200, data)

    def _create(self, route: _Route, collection: str, body: bytes) -> _Answer:
        data = _json_body(body)
        self._reject_invalid(route.body_key, data, partial=False)
        if not isinstance(data, dict):
            raise _Problem(400, "BadRequest", "the request body must be a JSON object")
        key = str(data.setdefault("id", self._new_id()))
        if key in self._collections.get(collection, {}):
            raise _Problem(409, "nameAlreadyExists", f"an entity with id {key!r} already exists")
        self._store(collection, key, route.model, data)
        return self._entity_answer(route.status or 201, data, collection, key, None)

    def _update(
        self,
        route: _Route,
        collection: str,
        key: str,
        body: bytes,
        headers: httpx.Headers,
        *,
        replace: bool,
    ) -> _Answer:
        entity = self._collections[collection][key]
        self._check_etag(collection, key, headers)
        data = _json_body(body)
        self._reject_invalid(route.body_key, data, partial=not replace)
        if not isinstance(data, dict):
            raise _Problem(400, "BadRequest", "the request body must be a JSON object")
        merged = {"id": entity["id"], **data} if replace and "id" in entity else {**entity, **data}
        stored = self._store(collection, key, self._kinds.get(collection), merged)
        if route.status == 204:
            return _Answer(204, headers={"ETag": self._etag(collection, key)})
        return self._entity_answer(route.status or 200, stored, collection, key, None)

    def _delete(self, collection: str, key: str) -> None:
        members = self._collections[collection]
        del members[key]
        self._version += 1
        self._removed.append((self._version, self._kinds.get(collection), key))
        self._versions.pop((collection, key), None)
        self._content.pop((collection, key), None)

    # -- binary content -------------------------------------------------------------

    def _start_download(self, route: _Route, collection: str, key: str) -> _Answer:
        found = self._content.get((collection, key))
        if found is None:
            raise _not_found(f"the content of {key!r}")
        if route.status not in (301, 302, 303, 307, 0):
            return _Answer(route.status, found[0], {"Content-Type": found[1]})
        token = uuid.uuid4().hex
        self._downloads[token] = found
        return _Answer(302, headers={"Location": f"https://{DOWNLOAD_HOST}/{token}"})

    def _download(self, request: httpx.Request) -> _Answer:
        """The pre-authenticated download URL: no token may come with it."""
        if "authorization" in request.headers:
            raise _Problem(
                401, "unauthenticated", "a pre-authenticated URL takes no Authorization header"
            )
        found = self._downloads.get(request.url.path.strip("/"))
        if request.method != "GET" or found is None:
            raise _not_found("the download")
        return _Answer(200, found[0], {"Content-Type": found[1]})

    def _replace_content(
        self,
        model: str | None,
        collection: str,
        key: str,
        name: str | None,
        body: bytes,
        content_type: str,
    ) -> _Answer:
        try:
            collection, key = self._find_entity(collection, key)
            status = 200
        except _Problem:
            self._known_collection(collection)
            key = key or self._new_id()
            self._store(collection, key, model, {"id": key, "name": name or key})
            status = 201
        entity = self._collections[collection][key]
        self._content[(collection, key)] = (bytes(body), content_type)
        if "size" in (self._known(model) or ()):
            entity = self._store(collection, key, model, {**entity, "size": len(body)})
        else:
            self._store(collection, key, model, entity)
        return self._entity_answer(status, entity, collection, key, None)

    def _start_session(
        self, route: _Route, collection: str, key: str, name: str | None, body: bytes
    ) -> _Answer:
        data = _json_body(body) if body else {}
        self._reject_invalid(route.body_key, data, partial=False)
        item = data.get("item") if isinstance(data, dict) else None
        try:
            collection, key = self._find_entity(collection, key)
        except _Problem:
            self._known_collection(collection)
            key, name = key or self._new_id(), name or key
        properties = {
            k: v for k, v in (item or {}).items() if not k.startswith("@microsoft.graph.")
        }
        model = self._kinds.get(collection)
        if name is not None:
            properties.setdefault("name", name)
        session = _Session(collection, key, properties, model)
        token = uuid.uuid4().hex
        self._sessions[token] = session
        answer = {"uploadUrl": f"https://{UPLOAD_HOST}/sessions/{token}", **session.status()}
        return _Answer(route.status or 200, answer)

    def _upload_chunk(self, request: httpx.Request) -> _Answer:
        """A request to an upload URL: PUT a chunk, GET the status, DELETE to cancel."""
        if "authorization" in request.headers:
            raise _Problem(401, "unauthenticated", "an upload URL takes no Authorization header")
        token = request.url.path.rsplit("/", 1)[-1]
        session = self._sessions.get(token)
        if session is None:
            raise _not_found("the upload session")
        if request.method == "GET":
            return _Answer(200, session.status())
        if request.method == "DELETE":
            del self._sessions[token]
            return _Answer(204)
        if request.method != "PUT":
            raise _Problem(405, "methodNotAllowed", f"{request.method} on an upload URL")
        match = _CONTENT_RANGE.match(request.headers.get("content-range", ""))
        if match is None:
            raise _Problem(400, "invalidRange", "Content-Range must be `bytes start-end/total`")
        start, end, total = (int(g) for g in match.groups())
        chunk = request.content
        if session.total is not None and total != session.total:
            raise _Problem(400, "invalidRange", f"the total changed from {session.total}")
        if start != len(session.received):
            raise _Problem(
                416,
                "invalidRange",
                f"expected the range starting at {len(session.received)}, got {start}",
            )
        if end < start or end >= total or len(chunk) != end - start + 1:
            raise _Problem(400, "invalidRange", f"{len(chunk)} bytes do not fill {start}-{end}")
        if end + 1 < total and len(chunk) % CHUNK_MULTIPLE:
            raise _Problem(
                400,
                "invalidRange",
                f"a chunk before the last must be a multiple of {CHUNK_MULTIPLE} bytes",
            )
        session.total = total
        session.received.extend(chunk)
        if len(session.received) < total:
            return _Answer(202, session.status())
        del self._sessions[token]
        return self._finish_session(session)

    def _finish_session(self, session: _Session) -> _Answer:
        collection, key = session.collection, session.key
        created = key not in self._collections.get(collection, {})
        entity: dict[str, Any] = {"id": key, "name": key}
        if not created:
            entity = self._collections[collection][key]
        entity = {**entity, **session.properties}
        if "size" in (self._known(session.model) or ()):
            entity["size"] = len(session.received)
        self._store(collection, key, session.model, entity)
        self._content[(collection, key)] = (bytes(session.received), "application/octet-stream")
        return self._entity_answer(201 if created else 200, entity, collection, key, None)

    # -- batch ----------------------------------------------------------------------

    def _batch(self, body: bytes, headers: httpx.Headers) -> _Answer:
        """JSON batching: each request answered in `dependsOn` order; one whose dependency
        failed gets 424."""
        data = _json_body(body)
        requests = data.get("requests") if isinstance(data, dict) else None
        if not isinstance(requests, list) or not requests:
            raise _Problem(400, "BadRequest", "a batch needs a non-empty `requests` array")
        if len(requests) > MAX_BATCH:
            raise _Problem(400, "BadRequest", f"a batch holds at most {MAX_BATCH} requests")
        by_id: dict[str, dict[str, Any]] = {}
        for item in requests:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise _Problem(400, "BadRequest", "each batch request needs a string `id`")
            if item["id"] in by_id:
                raise _Problem(400, "BadRequest", f"batch request id {item['id']!r} repeats")
            by_id[item["id"]] = item
        answers: dict[str, dict[str, Any]] = {}
        for item_id in _dependency_order(by_id):
            item = by_id[item_id]
            failed = [d for d in item.get("dependsOn", []) if answers[d]["status"] >= 400]
            if failed:
                problem = _Problem(424, "failedDependency", f"request {failed[0]} failed")
                answer = self._error(problem, headers)
            else:
                answer = self._batch_item(item, headers)
            answers[item_id] = _batch_response(item_id, answer)
        return _Answer(200, {"responses": list(answers.values())})

    def _batch_item(self, item: Mapping[str, Any], outer: httpx.Headers) -> _Answer:
        method = str(item.get("method", "")).upper()
        url = item.get("url")
        own = httpx.Headers(item.get("headers") or {})
        if "authorization" in outer and "authorization" not in own:
            own["authorization"] = outer["authorization"]
        try:
            if not isinstance(url, str) or not url.startswith("/") or not method:
                raise _Problem(400, "BadRequest", "a batch request needs `method` and a `/url`")
            content = b""
            if "body" in item:
                if "json" not in own.get("content-type", ""):
                    raise _Problem(
                        400, "BadRequest", "a batch request with a JSON body needs its Content-Type"
                    )
                content = json.dumps(item["body"]).encode()
            path, _, query_text = url.partition("?")
            query = {
                (k.lower() if k.startswith("$") else k): v
                for k, v in parse_qsl(query_text, keep_blank_values=True)
            }
            raw_path = quote(path, safe="/:@!$&'()*+,;=-._~%")
            target = self.base_url.join(url.lstrip("/"))
            request = httpx.Request(method, target, headers=own, content=content)
            answer, _ = self._dispatch(request, method, raw_path, query, content, own)
        except _Problem as problem:
            return self._error(problem, own)
        return answer

    # -- the store ------------------------------------------------------------------

    def _store(
        self, collection: str, key: str, model: str | None, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        self._version += 1
        stored = _copy(data)
        self._collections.setdefault(collection, {})[key] = stored
        if self._kinds.get(collection) is None:
            self._kinds[collection] = model
        self._versions[(collection, key)] = self._version
        return stored

    def _new_id(self) -> str:
        return str(uuid.UUID(int=next(self._ids)))

    def _address(self, route: _Route, parts: list[str]) -> tuple[str, str]:
        """The collection and key an entity path addresses (a singleton's key is "")."""
        last = route.segments[len(parts) - 1]
        if isinstance(last, str):
            return _join(parts), ""
        template_last = route.template.strip("/").split("/")[len(parts) - 1]
        alternate = _ALTERNATE_KEY.match(template_last)
        if alternate is not None:
            navigation, prop = alternate.group(1), alternate.group(2)
            match = last.match(parts[-1])
            assert match is not None
            value = match.group(1).replace("''", "'")
            collection = self._collection_key(route, [*parts[:-1], navigation])
            for key, entity in self._collections.get(collection, {}).items():
                if str(entity.get(prop)) == value:
                    return collection, key
            raise _not_found(f"{navigation} with {prop} {value!r}")
        return self._collection_key(route, parts[:-1]), parts[-1]

    def _find_entity(self, collection: str, key: str) -> tuple[str, str]:
        """Where the entity is: in ``collection``, else (ids being global in Graph) in
        another collection of the same type (of any type, when that is unknown)."""
        if key in self._collections.get(collection, {}):
            return collection, key
        model = self._kinds.get(collection) or self._model_of(collection)
        if key:
            for other, members in self._collections.items():
                if key in members and (model is None or self._kinds.get(other) == model):
                    return other, key
        raise _not_found(f"the item {key!r}" if key else collection)

    def _find(self, path: str) -> tuple[str, str]:
        collection, _, key = path.rpartition("/")
        try:
            return self._find_entity(collection, key)
        except _Problem:
            return self._find_entity(path, "")

    def _model_of(self, collection: str) -> str | None:
        try:
            return self._collection_for(collection)[1]
        except ValueError:
            return None

    def _known_collection(self, collection: str) -> None:
        self._kinds.setdefault(collection, self._model_of(collection))

    def _collection_for(self, path: str) -> tuple[str, str | None, bool]:
        """(collection, model, is a singleton) of a path a test names."""
        normal = _normal(path)
        if normal.startswith("/~/"):
            return normal, self._kinds.get(normal), False
        parts = normal.strip("/").split("/")
        raw = [quote(p, safe="") for p in parts]
        found: list[tuple[str, str | None, bool]] = []
        for route in self._routes:
            if route.role in ("list", "create") and _matches(route, raw):
                found.append((self._collection_key(route, parts), route.model, False))
            elif route.role in ("get", "update", "replace", "delete"):
                if isinstance(route.segments[-1], str) and _matches(route, raw):
                    found.append((normal, route.model, True))
                elif _matches(route, [*raw, "x"]):
                    found.append((self._collection_key(route, parts), route.model, False))
        # The operations that name the entities' type say best what the collection holds.
        found.sort(key=lambda entry: entry[1] is None)
        if found:
            return found[0]
        raise ValueError(f"no operation of the spec addresses the collection {path!r}")

    # -- answers --------------------------------------------------------------------

    def _entity_answer(
        self,
        status: int,
        entity: Mapping[str, Any],
        collection: str,
        key: str,
        select: tuple[str, ...] | None,
    ) -> _Answer:
        collection, key = self._find_entity(collection, key)
        etag = self._etag(collection, key)
        return _Answer(status, self._render(entity, select, etag), {"ETag": etag})

    def _render(
        self, entity: Mapping[str, Any], select: tuple[str, ...] | None, etag: str
    ) -> dict[str, Any]:
        return {"@odata.etag": etag, **_q.project(_copy(entity), select)}

    def _etag(self, collection: str, key: str) -> str:
        return f'W/"{self._versions.get((collection, key), 0)}"'

    def _check_etag(self, collection: str, key: str, headers: httpx.Headers) -> None:
        wanted = headers.get("if-match")
        if wanted is not None and wanted != "*":
            collection, key = self._find_entity(collection, key)
            if wanted != self._etag(collection, key):
                raise _Problem(412, "preconditionFailed", "the ETag does not match (If-Match)")

    def _link(self, path: str, query: Mapping[str, str], extra: Mapping[str, Any]) -> str:
        merged = {k: v for k, v in query.items() if k not in ("$skiptoken", "$deltatoken")}
        merged.update({k: str(v) for k, v in extra.items()})
        target = self.base_url.join(quote(path.lstrip("/"), safe="/:@!$&'()*+,;=-._~"))
        return str(target.copy_with(query=urlencode(merged, safe="$,'").encode("ascii")))

    def _known(self, model: str | None) -> Collection[str] | None:
        return None if model is None else self._properties.get(model)

    def _check_select(self, model: str | None, select: tuple[str, ...] | None) -> None:
        if select:
            _q.check_properties(select, self._known(model), model or "?")

    def _validate(self, key: str | None, data: Any, *, partial: bool) -> list[dict[str, str]]:
        check = self._checks.get(key) if key is not None else None
        if check is None:
            return []
        errors = _v.run(check, data)
        if partial:
            # As the client's strict mode: a partial body may leave out required properties.
            errors = [e for e in errors if not (e.keyword == "required" and e.path.count("/") == 1)]
        return [
            {"code": e.keyword or "invalidValue", "message": e.message, "target": e.path or "/"}
            for e in errors
        ]

    def _reject_invalid(self, key: str | None, data: Any, *, partial: bool) -> None:
        details = self._validate(key, data, partial=partial)
        if details:
            raise _Problem(
                422, "invalidRequest", "the request body does not fit the schema", details
            )

    def _error(self, problem: _Problem, headers: httpx.Headers) -> _Answer:
        request_id = str(uuid.uuid4())
        error: dict[str, Any] = {"code": problem.code, "message": problem.message}
        if problem.details:
            error["details"] = [dict(d) for d in problem.details]
        error["innerError"] = {
            "request-id": request_id,
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "client-request-id": headers.get("client-request-id", request_id),
        }
        answer_headers = {"request-id": request_id, **problem.headers}
        return _Answer(problem.status, {"error": error}, answer_headers)


_FAILURES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "injected bad request"),
    401: ("InvalidAuthenticationToken", "injected authentication failure"),
    403: ("accessDenied", "injected access denial"),
    404: ("itemNotFound", "injected not found"),
    409: ("conflict", "injected conflict"),
    429: ("TooManyRequests", "injected throttling"),
    500: ("generalException", "injected server error"),
    503: ("serviceNotAvailable", "injected outage"),
    504: ("gatewayTimeout", "injected gateway timeout"),
}


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _normal(path: str) -> str:
    return "/" + path.strip().strip("/")


def _join(parts: Sequence[str]) -> str:
    return "/" + "/".join(parts)


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data))
    return result


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        raise _Problem(400, "BadRequest", "the request body is not JSON") from None


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    head = token.split(".", 1)[0]
    if not head.isdigit():
        raise _Problem(400, "BadRequest", f"$skiptoken {token!r} is not one the fake gave")
    return int(head)


def _page_size(headers: httpx.Headers, default: int) -> int:
    """`Prefer: odata.maxpagesize=N` when the request asks, else the fake's page size."""
    for part in headers.get("prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "odata.maxpagesize" and value.strip().isdigit():
            return max(1, int(value))
    return max(1, default)


def _dependency_order(items: Mapping[str, Mapping[str, Any]]) -> Iterator[str]:
    """Batch request ids, each after the ones it depends on (in the given order otherwise)."""
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(item_id: str) -> Iterator[str]:
        if item_id in done:
            return
        if item_id in visiting:
            raise _Problem(400, "BadRequest", f"batch request {item_id!r} depends on itself")
        visiting.add(item_id)
        depends = items[item_id].get("dependsOn", [])
        if not isinstance(depends, list):
            raise _Problem(400, "BadRequest", "dependsOn must be an array of ids")
        for other in depends:
            if other not in items:
                raise _Problem(400, "BadRequest", f"dependsOn names unknown request {other!r}")
            yield from visit(other)
        visiting.discard(item_id)
        done.add(item_id)
        yield item_id

    order: list[str] = []
    for item_id in items:
        order.extend(visit(item_id))
    return iter(order)


def _batch_response(item_id: str, answer: _Answer) -> dict[str, Any]:
    result: dict[str, Any] = {"id": item_id, "status": answer.status, "headers": answer.headers}
    if isinstance(answer.body, bytes):
        result["body"] = answer.body.decode("latin-1")
    elif answer.body is not None:
        result["body"] = answer.body
        result["headers"] = {"Content-Type": "application/json", **answer.headers}
    return result


def _timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout")
    read = timeout.get("read") if isinstance(timeout, dict) else None
    return float(read) if isinstance(read, (int, float)) else None


class FakeTransport(httpx.BaseTransport):
    """An httpx transport whose requests a `Fake` answers, in process."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response, delay = self.fake.handle(request)
        if delay:
            limit = _timeout(request)
            time.sleep(delay if limit is None else min(delay, limit))
            if limit is not None and delay > limit:
                raise httpx.ReadTimeout("the fake API answered too slowly", request=request)
        return response


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """The async twin of `FakeTransport`."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response, delay = self.fake.handle(request)
        if delay:
            limit = _timeout(request)
            await asyncio.sleep(delay if limit is None else min(delay, limit))
            if limit is not None and delay > limit:
                raise httpx.ReadTimeout("the fake API answered too slowly", request=request)
        return response
