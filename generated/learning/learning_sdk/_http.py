"""The HTTP core under `Client` and `AsyncClient`: auth, retries, redirects, errors.

Rules it keeps, whatever the caller does:
- The token is sent only to the base URL's origin, and only over https (plain http is
  allowed for loopback hosts, for local tests). A redirect to another origin is followed
  without `Authorization`, even one the caller put in ``headers``.
- 429, 503 and 504, and connection failures before anything was sent, are retried a
  bounded number of times within a bounded total wait, honouring `Retry-After`.
- Every request carries a `client-request-id`, the same on its retries and redirects.
- Every request has a timeout; a response body is read in full before it is returned.
- The token is never part of a repr, a log record or an exception message.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import json
import logging
import math
import random
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any, Concatenate, Generic, Literal, ParamSpec, Self, TypeVar, cast, overload
from urllib.parse import quote

import httpx

from . import _runtime as _rt
from . import _validation as _v
from .errors import (
    ApiError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseDecodeError,
    ResponseValidationError,
    TransportError,
    error_for_status,
)

TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]] | None
T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
BodyMode = Literal["patch", "full", "json"]
# Strict mode's checks by key (see `Endpoint.checks`).
StrictChecks = Callable[[str], _v.Check]


@dataclass(frozen=True)
class Endpoint(Generic[T]):
    """One operation as data: what the transports need to send it and read the answer.

    ``path_params`` are the `{name}` segments of ``path``, in order. ``body`` says how a
    request body is sent: "patch" only what changed on a model, "full" a whole model
    without read-only fields, "json" a plain value. ``decode`` turns the JSON answer (or,
    when ``paged``, each item of a collection) into ``T``; None means the answer has no body.
    ``checks`` name strict mode's checks of the request body and of the answer (or of each
    item), by their keys in the validators.
    """

    name: str
    method: str
    path: str
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    header_params: tuple[str, ...] = ()
    body: BodyMode | None = None
    decode: Callable[[Any], T] | None = None
    paged: bool = False
    checks: tuple[str | None, str | None] = (None, None)


_PATH_SEGMENT = re.compile(r"\{([^{}/]+)\}")
_OWN_PARAMS = frozenset({"self", "body", "headers"})


class _Signature:
    """A method's parameters in the order `Endpoint` lists them: the positional ones are
    the path parameters, the keyword-only ones the query and then the header parameters
    (besides ``body`` and ``headers``). Built on first call, so importing costs nothing."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.signature = inspect.signature(fn)
        self.names = tuple(n for n in self.signature.parameters if n not in _OWN_PARAMS)

    def bind(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], Any, Mapping[str, str] | None]:
        """(parameter values, body, extra headers); a wrong call raises TypeError just as
        calling the method itself would."""
        given = self.signature.bind(None, *args, **kwargs).arguments
        values = tuple(given.get(name, _rt.UNSET) for name in self.names)
        return values, given.get("body"), given.get("headers")


class _OperationBase:
    """What both kinds of operation share: the endpoint, the signature's names and docs.

    The decorated function is never run: its parameters and return type are the method's,
    its docstring the method's documentation, and the transport does the work.
    """

    def __init__(self, fn: Callable[..., Any], endpoint: Endpoint[Any]) -> None:
        self.endpoint = endpoint
        self.__wrapped__ = fn
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__doc__ = fn.__doc__
        self._signature: _Signature | None = None

    def _parameters(self) -> _Signature:
        if self._signature is None:
            self._signature = _Signature(self.__wrapped__)
        return self._signature

    def signature(self) -> inspect.Signature:
        return self._parameters().signature

    def bind(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], Any, Mapping[str, str] | None]:
        return self._parameters().bind(args, kwargs)

    def __call__(self, client: Any, /, *args: Any, **kwargs: Any) -> Any:
        """``Client.name(client, ...)``, as with any method looked up on its class."""
        return _bound(client, self)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<operation {self.endpoint.method} {self.endpoint.path} ({self.__name__})>"


class Operation(_OperationBase, Generic[P, R]):
    """A client method made from a signature: `Client` calls it, `AsyncClient` awaits it."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: SyncInvoker, owner: type | None = None) -> Callable[P, R]: ...
    @overload
    def __get__(
        self, obj: AsyncInvoker, owner: type | None = None
    ) -> Callable[P, Awaitable[R]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else _bound(obj, self)


class PagedOperation(_OperationBase, Generic[P, T]):
    """A list operation made from a signature: `Client` returns an iterator over every item
    (following `@odata.nextLink`), `AsyncClient` an async iterator."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: SyncInvoker, owner: type | None = None) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: AsyncInvoker, owner: type | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else _bound(obj, self)


def _bound(client: object, op: _OperationBase) -> _BoundOperation:
    if not isinstance(client, _Invoker):
        raise TypeError(f"{op.__name__} is an operation of Client and AsyncClient only")
    return _BoundOperation(client, op)


class _BoundOperation:
    """An operation bound to a client, as a method is bound to its instance."""

    __slots__ = ("_client", "_op")

    def __init__(self, client: _Invoker, op: _OperationBase) -> None:
        self._client = client
        self._op = op

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client._invoke(self._op, args, kwargs)

    @property
    def __name__(self) -> str:
        return self._op.__name__

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self._op.__doc__

    @property
    def __signature__(self) -> inspect.Signature:
        """The method's signature without ``self`` (what `inspect.signature` shows)."""
        signature = self._op.signature()
        return signature.replace(parameters=list(signature.parameters.values())[1:])

    def __repr__(self) -> str:
        return f"<bound operation {self._op.__qualname__} of {self._client!r}>"


class _Method:
    """The decorators of one HTTP method: `@get(path, ...)` makes the decorated signature
    an operation, `@get.paged(path, ...)` a list operation whose pages are read in turn.

    ``body`` is the request body's model class (sent whole without read-only fields, or
    for PATCH only what changed) or `_rt.JSON` for any other value. ``returns`` is the
    answer's kind (`_rt.Kind`; of each item when paged), None when it has no body.
    ``checks`` are strict mode's checks of the body and of the answer, by their keys in
    the validators; by default a model's own, by its class name.
    """

    def __init__(self, method: str) -> None:
        self.method = method

    def __call__(
        self,
        path: str,
        *,
        query: tuple[str, ...] = (),
        header: tuple[str, ...] = (),
        body: type[_rt.Model] | _rt.Codec | None = None,
        returns: _rt.Kind = None,
        checks: tuple[str | None, str | None] | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], R]], Operation[P, R]]:
        def make(fn: Callable[Concatenate[Any, P], R]) -> Operation[P, R]:
            return Operation(fn, self.endpoint(fn, path, query, header, body, returns, checks))

        return make

    def paged(
        self,
        path: str,
        *,
        query: tuple[str, ...] = (),
        header: tuple[str, ...] = (),
        returns: _rt.Kind = None,
        checks: tuple[None, str | None] | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], Iterator[T]]], PagedOperation[P, T]]:
        def make(fn: Callable[Concatenate[Any, P], Iterator[T]]) -> PagedOperation[P, T]:
            endpoint = self.endpoint(fn, path, query, header, None, returns, checks, paged=True)
            return PagedOperation(fn, endpoint)

        return make

    def endpoint(
        self,
        fn: Callable[..., Any],
        path: str,
        query: tuple[str, ...],
        header: tuple[str, ...],
        body: type[_rt.Model] | _rt.Codec | None,
        returns: _rt.Kind,
        checks: tuple[str | None, str | None] | None,
        *,
        paged: bool = False,
    ) -> Endpoint[Any]:
        mode: BodyMode | None = None
        if isinstance(body, _rt.Codec):
            mode = "json"
        elif body is not None:
            mode = "patch" if self.method == "PATCH" else "full"
        return Endpoint(
            fn.__name__,
            self.method,
            path,
            tuple(_PATH_SEGMENT.findall(path)),
            query,
            header,
            mode,
            None if returns is None else _rt.codec_of(returns)[0],
            paged,
            checks if checks is not None else (_model_key(body), _model_key(returns)),
        )


def _model_key(kind: Any) -> str | None:
    """A model's own check key in the validators: its class name."""
    is_model = isinstance(kind, type) and issubclass(kind, _rt.Model)
    return kind.__name__ if is_model else None


get = _Method("GET")
put = _Method("PUT")
post = _Method("POST")
delete = _Method("DELETE")
options = _Method("OPTIONS")
head = _Method("HEAD")
patch = _Method("PATCH")
trace = _Method("TRACE")


class _Invoker:
    """Runs operations: binds a call's arguments and hands them to the transport."""

    _transport: SyncTransport | AsyncTransport

    def _invoke(self, op: _OperationBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        values, body, headers = op.bind(args, kwargs)
        if op.endpoint.paged:
            return self._transport.pages(op.endpoint, values, headers)
        return self._transport.call(op.endpoint, values, body, headers)


class SyncInvoker(_Invoker):
    """The base of `Client`: its operations return their results."""


class AsyncInvoker(_Invoker):
    """The base of `AsyncClient`: its operations return awaitables and async iterators."""


_MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SECONDS = re.compile(r"\d+(?:\.\d+)?\Z", re.ASCII)


@dataclass(frozen=True)
class RetryPolicy:
    """How failed requests are tried again.

    ``max_attempts`` counts the first try; ``max_wait`` bounds the total time spent
    sleeping between tries; a `Retry-After` longer than what is left ends the retries
    (the error then carries it as ``retry_after``). Without `Retry-After` the wait is
    exponential from ``backoff``, capped at ``backoff_max``, with jitter.
    """

    max_attempts: int = 4
    max_wait: float = 60.0
    backoff: float = 0.5
    backoff_max: float = 16.0
    statuses: frozenset[int] = frozenset({429, 503, 504})

    def __post_init__(self) -> None:
        # Checked here so a bad policy fails when built, not on the first outage.
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        for name in ("max_wait", "backoff", "backoff_max"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value}")

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 1)."""
        if retry_after is not None:
            return max(0.0, retry_after)
        ceiling = min(self.backoff_max, self.backoff * (2 ** (attempt - 1)))
        # "Equal jitter": at least half the ceiling, so clients that failed together spread
        # out without any of them retrying at once.
        return float(ceiling / 2 + random.random() * ceiling / 2)


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds from ``now``: a number of seconds or an HTTP date.

    Anything else (garbage, a negative number) is None, so the caller falls back to
    its own backoff instead of trusting it.
    """
    if not value:
        return None
    value = value.strip()
    if _SECONDS.match(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP dates are GMT; "-0000" parses as naive
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _text(value: Any) -> str:
    """A parameter value as URL text: enums by value, date-times in RFC 3339."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return _rt.format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def expand_path(template: str, names: tuple[str, ...], values: tuple[Any, ...]) -> str:
    """Fill `{name}` segments, each value percent-encoded so it stays one segment."""
    result = template
    for name, value in zip(names, values):
        result = result.replace("{" + name + "}", quote(_text(value), safe=""))
    return result


def query_params(names: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, str]:
    """Parameters without the ones left unset; lists are comma-joined (OData's form)."""
    result: dict[str, str] = {}
    for name, value in zip(names, values):
        if value is None or value is _rt.UNSET:
            continue
        if isinstance(value, (list, tuple)):
            result[name] = ",".join(_text(v) for v in value)
        else:
            result[name] = _text(value)
    return result


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    port = url.port
    if port is None:
        port = 443 if url.scheme == "https" else 80
    return (url.scheme, url.host.lower(), port)


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1): traffic never leaves the machine."""
    host = host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _where(method: str, url: httpx.URL) -> str:
    """A request named for messages: the query is left out (it may hold secrets)."""
    return f"{method} {url.copy_with(query=None, fragment=None)}"


# What each httpx failure means to a caller, most specific first.
_TRANSPORT_MESSAGES: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting"),
    (httpx.PoolTimeout, "timed out waiting for a free connection"),
    (httpx.WriteTimeout, "timed out sending the request"),
    (httpx.ReadTimeout, "timed out waiting for the response"),
    (httpx.TimeoutException, "timed out"),
    (httpx.ConnectError, "could not connect"),
    (httpx.RemoteProtocolError, "the server closed the connection or broke the HTTP protocol"),
    (httpx.ReadError, "the connection broke while reading the response"),
    (httpx.WriteError, "the connection broke while sending the request"),
    (httpx.UnsupportedProtocol, "unsupported URL scheme"),
)


class _Core:
    """What the sync and async clients share: settings and every decision, no I/O."""

    def __init__(
        self,
        base_url: str,
        token: TokenSource,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None,
        strict: bool,
        checks: StrictChecks | None = None,
    ) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        self._token = token
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry
        self.headers = dict(headers or {})
        self.strict = strict
        self.checks = checks
        self.log = logging.getLogger(__name__.rsplit(".", 1)[0])
        if token is not None and not self.may_send_token(self.base_url):
            # Not an error (an unauthenticated call may still work), but a 401 later would
            # otherwise be a mystery.
            self.log.warning(
                "the token will not be sent: %s is plain http to a non-loopback host",
                self.base_url,
            )

    def __repr__(self) -> str:
        return f"base_url={str(self.base_url)!r}, auth={'yes' if self._token else 'no'}"

    def url_for(self, path: str) -> httpx.URL:
        return self.base_url.join(path.lstrip("/"))

    def may_send_token(self, url: httpx.URL) -> bool:
        """True only for the base URL's own origin, over https or to a loopback host."""
        if _origin(url) != _origin(self.base_url):
            return False
        return url.scheme == "https" or is_loopback(url.host)

    def headers_for(
        self, url: httpx.URL, token: str | None, request_id: str, extra: Mapping[str, str]
    ) -> dict[str, str]:
        merged = {
            "Accept": "application/json",
            "client-request-id": request_id,
            **self.headers,
            **extra,
        }
        allowed = self.may_send_token(url)
        # A caller's own Authorization header obeys the same origin rule as the token, and
        # the token replaces it (whatever its spelling) where both may go.
        drop = not allowed or bool(token)
        headers = {k: v for k, v in merged.items() if not (drop and k.lower() == "authorization")}
        if allowed and token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def redirect(
        self, response: httpx.Response, method: str, content: bytes | None, redirects: int
    ) -> tuple[str, httpx.URL, bytes | None] | None:
        """Where a redirect leads: (method, url, body), or None if it is not a redirect.

        303 turns any request into a GET, and 301/302 turn a POST into one, as browsers and
        httpx do; 307/308 repeat the request as it was.
        """
        if response.status_code not in _REDIRECT_STATUSES:
            return None
        location = response.headers.get("location")
        if not location:
            return None
        if redirects >= _MAX_REDIRECTS:
            raise TransportError(
                f"too many redirects (more than {_MAX_REDIRECTS}): "
                f"{_where(method, response.request.url)}"
            )
        target = response.request.url.join(location)
        if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
            return "GET", target, None
        return method, target, content

    def retry_delay(self, response: httpx.Response, attempt: int, waited: float) -> float | None:
        """The seconds to wait before retrying this response, or None to stop."""
        if response.status_code not in self.retry.statuses or attempt >= self.retry.max_attempts:
            return None
        delay = self.retry.delay(attempt, parse_retry_after(response.headers.get("retry-after")))
        return None if waited + delay > self.retry.max_wait else delay

    def connect_retry_delay(
        self, exc: httpx.HTTPError, attempt: int, waited: float
    ) -> float | None:
        """The seconds to wait before trying again after ``exc``, or None to give up.

        Only failures before the request reached the server are retried: anything later
        may have been acted on, and a PATCH or POST must not be applied twice.
        """
        if not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
            return None
        if attempt >= self.retry.max_attempts:
            return None
        delay = self.retry.delay(attempt, None)
        return None if waited + delay > self.retry.max_wait else delay

    def log_retry(self, method: str, url: httpx.URL, delay: float, why: str, attempt: int) -> None:
        self.log.info(
            "retrying %s after %.2fs (%s, attempt %d of %d)",
            _where(method, url),
            delay,
            why,
            attempt,
            self.retry.max_attempts,
        )

    def error(self, response: httpx.Response, method: str) -> ApiError:
        return error_for_status(
            response.status_code,
            response.headers,
            response.content,
            method=method,
            url=str(response.request.url.copy_with(query=None, fragment=None)),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )

    def json_of(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except ValueError:
            snippet = " ".join(response.content[:200].decode("utf-8", "replace").split())
            raise ResponseDecodeError(
                f"{response.status_code} response to "
                f"{_where(response.request.method, response.request.url)} "
                f"is not JSON: {snippet!r}"
            ) from None

    def prepare(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.URL, dict[str, str], Any, dict[str, str]]:
        """(url, query, JSON body, headers) for one call of ``endpoint``; ``args`` are the
        method's parameter values: path ones, then query ones, then header ones."""
        n_path, n_query = len(endpoint.path_params), len(endpoint.query_params)
        path, query, header = (
            args[:n_path],
            args[n_path : n_path + n_query],
            args[n_path + n_query :],
        )
        url = self.url_for(expand_path(endpoint.path, endpoint.path_params, path))
        params = query_params(endpoint.query_params, query)
        extra = {**query_params(endpoint.header_params, header), **(headers or {})}
        payload = None
        if endpoint.body is not None:
            if endpoint.body == "json":
                payload = _rt.to_json_value(body)
            else:
                payload = _rt.request_body(body, partial=endpoint.body == "patch")
            self._check(endpoint, payload, request=True)
        return url, params, payload, extra

    def result(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        """The decoded answer of a call (None when the operation returns no body)."""
        if endpoint.decode is None:
            return cast(T, None)
        return self.decode(endpoint, self.json_of(response), response.request.url)

    def decode(self, endpoint: Endpoint[T], data: Any, url: httpx.URL) -> T:
        self._check(endpoint, data, request=False)
        assert endpoint.decode is not None
        try:
            return endpoint.decode(data)
        except _rt.DecodeError as exc:
            raise ResponseDecodeError(
                f"the answer from {url.copy_with(query=None)} does not fit the spec at "
                f"{exc.path or '/'}: {exc.message}"
            ) from None

    def _check(self, endpoint: Endpoint[Any], data: Any, *, request: bool) -> None:
        """Strict mode: validate a request body or a response with the spec's validators."""
        if not self.strict or self.checks is None:
            return
        key = endpoint.checks[0 if request else 1]
        if key is None:
            return
        check = self.checks(key)
        errors = _v.run(check, data)
        if request and endpoint.body == "patch":
            # A PATCH body holds only the fields being changed, so a required property may
            # be absent at its top level; nested objects are sent whole and checked whole.
            errors = [e for e in errors if not (e.keyword == "required" and e.path.count("/") == 1)]
        if errors:
            raise (RequestValidationError if request else ResponseValidationError)(errors)

    def page_parts(self, data: Any, url: httpx.URL) -> tuple[list[Any], httpx.URL | None]:
        """A collection page's items and the next page's URL (None on the last page)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("value"), list):
            raise ResponseDecodeError(
                f"a collection page from {url.copy_with(query=None)} has no `value` array"
            )
        next_link = data.get("@odata.nextLink")
        next_url = url.join(next_link) if isinstance(next_link, str) and next_link else None
        return data["value"], next_url

    def transport_error(self, exc: httpx.HTTPError, method: str, url: httpx.URL) -> TransportError:
        """The SDK's exception for an httpx failure: what happened in words, the request
        without its query, and httpx's own detail (it never quotes headers). Raised `from
        None` so the httpx exception, which holds the request and its headers, is not shown."""
        what = next(
            (text for kind, text in _TRANSPORT_MESSAGES if isinstance(exc, kind)),
            type(exc).__name__,
        )
        detail = " ".join(str(exc).split())
        cls = RequestTimeoutError if isinstance(exc, httpx.TimeoutException) else TransportError
        return cls(f"{what}: {_where(method, url)}" + (f" ({detail})" if detail else ""))


def _encode(json_body: Any) -> bytes | None:
    return None if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()


class _Exchange:
    """One logical request as it moves through tries and redirects, with no I/O of its own.

    The sync and async transports share it: each asks for the next request, sends it,
    and reports what happened; the exchange says whether to stop, wait and try again, or
    follow a redirect, so both clients keep the same rules by construction.
    """

    def __init__(
        self,
        core: _Core,
        method: str,
        url: httpx.URL,
        params: Mapping[str, str] | None,
        json_body: Any,
        headers: Mapping[str, str] | None,
    ) -> None:
        self.core = core
        self.method = method
        self.url = url
        self.params = params
        self.content = _encode(json_body)
        self.extra = dict(headers or {})
        self.request_id = str(uuid.uuid4())  # the same on every retry and redirect
        self.attempt = 0
        self.redirects = 0
        self.waited = 0.0

    def request(self, http: httpx.Client | httpx.AsyncClient, token: str | None) -> httpx.Request:
        """The next request to send; ``token`` is asked for anew each time (it may refresh)."""
        self.attempt += 1
        headers = self.core.headers_for(self.url, token, self.request_id, self.extra)
        if self.content is not None:
            headers["Content-Type"] = "application/json"
        # The timeout is set per request so a caller's own httpx client cannot lift it.
        return http.build_request(
            self.method,
            self.url,
            params=self.params,
            content=self.content,
            headers=headers,
            timeout=self.core.timeout,
        )

    def failed(self, exc: httpx.HTTPError) -> float:
        """Seconds to wait before trying again after ``exc``; raises when giving up."""
        core = self.core
        delay = core.connect_retry_delay(exc, self.attempt, self.waited)
        if delay is None:
            raise core.transport_error(exc, self.method, self.url) from None
        core.log_retry(self.method, self.url, delay, type(exc).__name__, self.attempt)
        self.waited += delay
        return delay

    def answered(self, response: httpx.Response) -> float | None:
        """None when ``response`` is the answer; else seconds to wait (0 for a redirect)
        before the next request. Raises the ApiError for a final 4xx/5xx."""
        core = self.core
        core.log.debug(
            "%s -> %d (client-request-id %s)",
            _where(self.method, self.url),
            response.status_code,
            self.request_id,
        )
        hop = core.redirect(response, self.method, self.content, self.redirects)
        if hop is not None:
            self.redirects += 1
            self.method, self.url, self.content = hop
            self.params = None  # the Location carries its own query
            self.attempt = 0  # a new target gets its own tries; `redirects` bounds the hops
            return 0.0
        delay = core.retry_delay(response, self.attempt, self.waited)
        if delay is not None:
            core.log_retry(
                self.method, self.url, delay, f"status {response.status_code}", self.attempt
            )
            self.waited += delay
            return delay
        if response.status_code >= 400:
            raise core.error(response, self.method)
        return None


class SyncTransport:
    """Sends requests for `Client` over one `httpx.Client` (one connection pool)."""

    def __init__(self, core: _Core, http: httpx.Client | None) -> None:
        self.core = core
        self._owns_http = http is None  # a caller's own client is the caller's to close
        self.http = http or httpx.Client(timeout=core.timeout, follow_redirects=False)

    def _token(self) -> str | None:
        source = self.core._token
        if source is None or isinstance(source, str):
            return source
        value = source()
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()  # never awaited: close it so Python does not warn about it
            raise TypeError("an async token callable needs AsyncClient")
        return str(value)

    def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one logical request: retries and redirects included, body read in full.

        Raises the ApiError for its status when the final answer is 4xx/5xx, and a
        TransportError when no usable answer arrived.
        """
        exchange = _Exchange(self.core, method, url, params, json_body, headers)
        while True:
            request = exchange.request(self.http, self._token())
            try:
                response = self.http.send(request, follow_redirects=False)
                try:
                    response.read()
                finally:
                    response.close()
            except httpx.HTTPError as exc:
                time.sleep(exchange.failed(exc))
                continue
            delay = exchange.answered(response)
            if delay is None:
                return response
            if delay:
                time.sleep(delay)

    def paginate(
        self,
        url: httpx.URL,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[Any]:
        """The items of a Graph collection, page after page, following `@odata.nextLink`."""
        next_url: httpx.URL | None = url
        while next_url is not None:
            data = self.core.json_of(self.send("GET", next_url, params=params, headers=headers))
            items, next_url = self.core.page_parts(data, next_url)
            params = None  # the next link carries its own query
            yield from items

    def call(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> T:
        """One operation: build the request, send it, decode the answer."""
        url, params, payload, extra = self.core.prepare(endpoint, args, body, headers)
        response = self.send(endpoint.method, url, params=params, json_body=payload, headers=extra)
        return self.core.result(endpoint, response)

    def pages(
        self, endpoint: Endpoint[T], args: tuple[Any, ...], headers: Mapping[str, str] | None
    ) -> Iterator[T]:
        """A list operation: every item, decoded, following `@odata.nextLink`."""
        url, params, _, extra = self.core.prepare(endpoint, args, None, headers)
        for item in self.paginate(url, params=params, headers=extra):
            yield self.core.decode(endpoint, item, url)

    def close(self) -> None:
        if self._owns_http:
            self.http.close()


class AsyncTransport:
    """Sends requests for `AsyncClient` over one `httpx.AsyncClient`; mirrors SyncTransport."""

    def __init__(self, core: _Core, http: httpx.AsyncClient | None) -> None:
        self.core = core
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(timeout=core.timeout, follow_redirects=False)

    async def _token(self) -> str | None:
        source = self.core._token
        if source is None or isinstance(source, str):
            return source
        value = source()
        if inspect.isawaitable(value):
            value = await value
        return str(value)

    async def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one logical request: retries and redirects included, body read in full."""
        exchange = _Exchange(self.core, method, url, params, json_body, headers)
        while True:
            request = exchange.request(self.http, await self._token())
            try:
                response = await self.http.send(request, follow_redirects=False)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            except httpx.HTTPError as exc:
                await asyncio.sleep(exchange.failed(exc))
                continue
            delay = exchange.answered(response)
            if delay is None:
                return response
            if delay:
                await asyncio.sleep(delay)

    async def paginate(
        self,
        url: httpx.URL,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncIterator[Any]:
        """The items of a Graph collection, page after page, following `@odata.nextLink`."""
        next_url: httpx.URL | None = url
        while next_url is not None:
            response = await self.send("GET", next_url, params=params, headers=headers)
            items, next_url = self.core.page_parts(self.core.json_of(response), next_url)
            params = None
            for item in items:
                yield item

    async def call(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> T:
        """One operation: build the request, send it, decode the answer."""
        url, params, payload, extra = self.core.prepare(endpoint, args, body, headers)
        response = await self.send(
            endpoint.method, url, params=params, json_body=payload, headers=extra
        )
        return self.core.result(endpoint, response)

    async def pages(
        self, endpoint: Endpoint[T], args: tuple[Any, ...], headers: Mapping[str, str] | None
    ) -> AsyncIterator[T]:
        """A list operation: every item, decoded, following `@odata.nextLink`."""
        url, params, _, extra = self.core.prepare(endpoint, args, None, headers)
        async for item in self.paginate(url, params=params, headers=extra):
            yield self.core.decode(endpoint, item, url)

    async def close(self) -> None:
        if self._owns_http:
            await self.http.aclose()
