"""Sending requests over httpx: timeouts, redirects and retries, the same for both clients.

`_Core` holds a client's settings; `_Exchange` walks one logical request through its tries
and redirects without doing any I/O; `SyncTransport` and `AsyncTransport` do the I/O, so
`Client` and `AsyncClient` keep the same rules by construction:
- Every request has a timeout, for each network step and in total for receiving each
  answer, head and body (a server sending a byte a second cannot hold a call: each
  network read waits at most the time left, see `_bounded`), and a response body is
  read in full, up to
  ``max_response_bytes`` counted after decompression, before it is returned.
- Every request carries a `client-request-id`, the same on its retries and redirects.
- Redirects are followed here, not by httpx, so each hop's headers pass `_auth`'s origin
  rule; the retry decisions are `_retry`'s.
- An httpx failure becomes a `TransportError` naming the request without its query, never
  showing its headers.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _paging
from ._auth import ApiKeySource, Auth, Scheme, TokenSource, header_problem
from ._endpoint import Calls, Endpoint, Requirements, StrictChecks, json_of, where
from ._retry import RetryPolicy, connect_retry_delay, parse_retry_after, retry_delay
from ._upload import Payload
from .errors import (
    ApiError,
    ConfigurationError,
    CredentialError,
    InvalidRequestError,
    RequestTimeoutError,
    ResponseTooLargeError,
    TransportError,
    error_for_status,
)

if TYPE_CHECKING:
    # Imported where used: a client that never asks for metadata never loads it.
    from ._response import ApiResponse, Page

T = TypeVar("T")

_MAX_REDIRECTS = 5
DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

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


def _base_url(text: str) -> httpx.URL:
    """``base_url`` parsed, its path ending in `/` (a query it has is kept: see `Calls`).
    A URL that cannot be used is a ConfigurationError naming it without its user info."""
    shown = re.sub(r"//[^/?#]*@", "//***@", str(text))[:200]
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"base_url must be an absolute http(s) URL, got {shown!r}")
    return url.copy_with(path=url.path.rstrip("/") + "/", fragment=None)


class _Deadline(dict[str, float | None]):
    """httpx's per-request timeouts, whose read wait is cut to what is left of the
    ``total`` allowed for receiving the answer (its head and its body; the clock starts
    when httpcore first waits for the answer, so a long upload does not eat into it).
    httpcore looks the read wait up once per phase, so the body is also read chunk by
    chunk and checked (`check`): a server trickling a byte a second cannot stretch a try
    much past its total. ``stop()`` lifts the total once a streamed answer is handed to
    the caller, who reads it in its own time."""

    def __init__(self, timeouts: Mapping[str, float | None], total: float | None) -> None:
        super().__init__(timeouts)
        self.total = total
        self.ends: float | None = None

    def stop(self) -> None:
        self.total = self.ends = None

    def get(self, key: str, default: Any = None) -> Any:
        value = super().get(key, default)
        if key != "read" or self.total is None:
            return value
        now = time.monotonic()
        if self.ends is None:
            self.ends = now + self.total
        left = max(self.ends - now, 0.001)  # 0 would mean non-blocking
        return left if value is None else min(value, left)

    def left(self) -> float | None:
        """Seconds left to receive the answer; None before httpcore waits for it (the
        clock has not started) or once lifted. Each network read waits at most this
        long (`_bounded`), so a head trickled a byte at a time is bounded too."""
        if self.total is None or self.ends is None:
            return None
        return self.ends - time.monotonic()

    def check(self, response: httpx.Response) -> None:
        """Raise RequestTimeoutError when the time for the answer has run out."""
        if self.total is not None and self.ends is not None and time.monotonic() > self.ends:
            raise RequestTimeoutError(
                f"timed out reading the response (longer than {self.total:g}s in all): "
                f"{where(response.request.method, response.request.url)}"
            )


# The try whose answer is being received here (this thread, this task): `_bounded` cuts
# each network read to what is left of it.
READ_LIMIT: ContextVar[_Deadline | None] = ContextVar("read_limit", default=None)


@contextmanager
def _receiving(deadline: _Deadline) -> Iterator[None]:
    """Network reads in this block wait at most what is left of ``deadline``."""
    token = READ_LIMIT.set(deadline)
    try:
        yield
    finally:
        READ_LIMIT.reset(token)


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the answer to {where(response.request.method, response.request.url)} is larger "
        f"than max_response_bytes ({limit} bytes, counted after decompression)"
    )


def _read(response: httpx.Response, limit: int | None, deadline: _Deadline) -> None:
    """Read the body (decompressed) into ``response.content``: at most ``limit`` bytes,
    within the try's deadline."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if limit is not None and size > limit:
            raise _too_large(response, limit)
        deadline.check(response)
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what `read()` does, once the size is known


async def _aread(response: httpx.Response, limit: int | None, deadline: _Deadline) -> None:
    """`_read` for an async response."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if limit is not None and size > limit:
            raise _too_large(response, limit)
        deadline.check(response)
        chunks.append(chunk)
    response._content = b"".join(chunks)


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
        *,
        api_key: ApiKeySource = None,
        basic: tuple[str, str] | None = None,
        schemes: Mapping[str, Scheme] | None = None,
        security: Requirements | None = None,
        max_pages: int = _paging.DEFAULT_MAX_PAGES,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {max_pages}")
        self.max_pages = max_pages
        url = _base_url(base_url)
        # A user and password in the URL are taken out of it (httpx would log them with
        # every request) and sent as HTTP basic by `Auth`, under its rules.
        url_basic = (url.username, url.password) if url.userinfo else None
        self.base_url = url.copy_with(username=None, password=None)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        # Each try's total: the timeout given as a number, or an httpx.Timeout's read wait.
        self.total = self.timeout.read
        self.max_response_bytes = max_response_bytes
        self.retry = retry
        self.headers = dict(headers or {})
        self.log = logging.getLogger(__name__.rsplit(".", 1)[0])
        self.auth = Auth(
            self.base_url,
            token,
            api_key=api_key,
            basic=basic,
            schemes=schemes,
            requirements=security,
            headers=self.headers,
            url_basic=url_basic,
        )
        self.calls = Calls(self.base_url, strict, checks, self.headers)

    def __repr__(self) -> str:
        return f"base_url={str(self.base_url)!r}, auth={'yes' if self.auth.has_token else 'no'}"

    def check_headers(self, headers: Mapping[str, str]) -> None:
        """Refuse, before anything is sent, a header value httpx could not send (a line
        break, a non-ASCII character): the message quotes no credential header's value."""
        for name, value in headers.items():
            problem = header_problem(value)
            if problem is None:
                continue
            if name.lower() in self.auth.secret_headers:
                raise CredentialError(f"the {name} header is not a valid header value: {problem}")
            raise InvalidRequestError(f"header {name!r} cannot be sent: {problem}")

    def prepared(
        self,
        url: httpx.URL,
        credentials: Mapping[str, str | tuple[str, str]],
        request_id: str,
        extra: Mapping[str, str],
    ) -> tuple[httpx.URL, dict[str, str]]:
        """The URL and headers of one request, with the credentials that may go there."""
        merged = {
            "Accept": "application/json",
            "client-request-id": request_id,
            **self.headers,
            **extra,
        }
        url, headers = self.auth.authorize(url, credentials, merged)
        self.check_headers(headers)
        return url, headers

    def redirect(
        self,
        response: httpx.Response,
        method: str,
        content: bytes | Payload | None,
        redirects: int,
    ) -> tuple[str, httpx.URL, bytes | Payload | None] | None:
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
                f"{where(method, response.request.url)}"
            )
        target = response.request.url.join(location)
        if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
            return "GET", target, None
        return method, target, content

    def log_retry(self, method: str, url: httpx.URL, delay: float, why: str, attempt: int) -> None:
        self.log.info(
            "retrying %s after %.2fs (%s, attempt %d of %d)",
            where(method, url),
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
            url=str(response.request.url.copy_with(query=None, fragment=None, userinfo=b"")),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )

    def listing(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None,
    ) -> tuple[httpx.URL, dict[str, str]]:
        """The first page's URL and the headers of every page of a list operation: the
        operation's own URL, or a saved ``delta_link`` followed as given (the token goes
        with it only to the base URL's origin, as with every `@odata.nextLink`)."""
        url, _, extra = self.calls.prepare(endpoint, args, None, headers)
        if delta_link is not None:
            try:
                url = self.base_url.join(delta_link)
            except (TypeError, httpx.InvalidURL):
                raise ValueError("delta_link must be the URL of an `@odata.deltaLink`") from None
        return url, extra

    def page(self, endpoint: Endpoint[T], raw: _paging.RawPage) -> Page[T]:
        """One page read, its items decoded. A delta round's removed items (`@removed`)
        hold little more than their id, so strict mode does not check them against the
        schema's required properties."""
        from ._response import page_of

        response, data, items = raw
        url = response.request.url
        decode = self.calls.decode
        if self.calls.strict:
            decoded = [decode(endpoint, item, url, check=not _removed(item)) for item in items]
        else:
            decoded = [decode(endpoint, item, url) for item in items]
        return page_of(decoded, response, data)

    def first_page(self, endpoint: Endpoint[T], response: httpx.Response) -> ApiResponse[list[T]]:
        """A list operation's first page as an `ApiResponse` (its links left to follow)."""
        from ._response import response_of

        data = json_of(response)
        items, _ = _paging.page_parts(data, response.request.url)
        return response_of(self.page(endpoint, (response, data, items)).items, response, data)

    def with_response(self, endpoint: Endpoint[T], response: httpx.Response) -> ApiResponse[T]:
        """An operation's decoded answer with its status, headers and metadata."""
        from ._response import response_of

        if endpoint.decode is None or endpoint.answer != "json":
            return response_of(self.calls.result(endpoint, response), response, None)
        data = json_of(response)
        return response_of(self.calls.decode(endpoint, data, response.request.url), response, data)

    def transport_error(self, exc: httpx.HTTPError, method: str, url: httpx.URL) -> TransportError:
        """The SDK's exception for an httpx failure: what happened in words, the request
        without its query, and httpx's own detail (it never quotes headers). Raised `from
        None` so the httpx exception, which holds the request and its headers, is not shown."""
        what = next(
            (text for kind, text in _TRANSPORT_MESSAGES if isinstance(exc, kind)),
            type(exc).__name__,
        )
        # httpx's protocol errors about the request may quote a header: left out.
        local = isinstance(exc, httpx.LocalProtocolError)
        detail = "" if local else " ".join(str(exc).split())
        cls = RequestTimeoutError if isinstance(exc, httpx.TimeoutException) else TransportError
        return cls(f"{what}: {where(method, url)}" + (f" ({detail})" if detail else ""))


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
        content: bytes | Payload | None,
        headers: Mapping[str, str] | None,
        security: Requirements | None,
        anonymous: bool = False,
    ) -> None:
        self.core = core
        self.anonymous = anonymous  # send no credential at all (a pre-authenticated URL)
        self.method = method
        self.url = url
        self.content = content
        self.extra = dict(headers or {})
        self.security = security  # the operation's requirements (None: the API's)
        self.request_id = str(uuid.uuid4())  # the same on every retry and redirect
        self.attempt = 0
        self.redirects = 0
        self.waited = 0.0
        self.deadline = _Deadline({}, None)

    def request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        credentials: Mapping[str, str | tuple[str, str]],
    ) -> httpx.Request:
        """The next request to send; ``credentials`` are asked for anew each time (a token
        may refresh)."""
        self.attempt += 1
        try:
            # A host that is no DNS name (`https://...`, a placeholder in documentation
            # examples): httpx would raise a bare UnicodeError, or look the name up.
            self.url.host.encode("idna")
        except UnicodeError:
            raise self.unsendable() from None
        if self.anonymous:
            credentials = {}
        url, headers = self.core.prepared(self.url, credentials, self.request_id, self.extra)
        if self.anonymous:
            headers = self.core.auth.without_secrets(headers)
        if self.content is None:
            # A redirect that turned the request into a GET carries no body, nor its type.
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        content: Any = self.content
        if isinstance(content, Payload):
            # A file is streamed, from its start on every try and redirect.
            if content.size is not None:
                headers["Content-Length"] = str(content.size)
            content = content.achunks() if isinstance(http, httpx.AsyncClient) else content.chunks()
        # The timeout is set per request so a caller's own httpx client cannot lift it.
        request = http.build_request(
            self.method, url, content=content, headers=headers, timeout=self.core.timeout
        )
        self.deadline = _Deadline(request.extensions["timeout"], self.core.total)
        request.extensions["timeout"] = self.deadline
        return request

    def unsendable(self) -> InvalidRequestError:
        """The error for a URL whose host is no DNS name."""
        return InvalidRequestError(
            f"{where(self.method, self.url)} cannot be sent: its host is not a valid name"
        )

    def failed(self, exc: httpx.HTTPError) -> float:
        """Seconds to wait before trying again after ``exc``; raises when giving up."""
        core = self.core
        delay = connect_retry_delay(core.retry, exc, self.attempt, self.waited)
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
            where(self.method, self.url),
            response.status_code,
            self.request_id,
        )
        hop = core.redirect(response, self.method, self.content, self.redirects)
        if hop is not None:
            self.redirects += 1
            self.method, self.url, self.content = hop
            self.attempt = 0  # a new target gets its own tries; `redirects` bounds the hops
            return 0.0
        delay = retry_delay(core.retry, response, self.attempt, self.waited)
        if delay is not None:
            core.log_retry(
                self.method, self.url, delay, f"status {response.status_code}", self.attempt
            )
            self.waited += delay
            return delay
        if response.status_code >= 400:
            raise core.error(response, self.method)
        return None


def _keep_open(response: httpx.Response, stream: bool) -> bool:
    """Whether a streamed answer's body is left to the caller: only a success's."""
    return stream and 200 <= response.status_code < 300


class SyncTransport:
    """Sends requests for `Client` over one `httpx.Client` (one connection pool)."""

    def __init__(self, core: _Core, http: httpx.Client | None) -> None:
        self.core = core
        self._owns_http = http is None  # a caller's own client is the caller's to close
        self.http = http or httpx.Client(timeout=core.timeout, follow_redirects=False)
        from ._bounded import bound_reads  # loads httpcore, as creating an httpx client does

        bound_reads(self.http)

    def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        content: bytes | Payload | None = None,
        headers: Mapping[str, str] | None = None,
        security: Requirements | None = None,
        stream: bool = False,
        anonymous: bool = False,
    ) -> httpx.Response:
        """Send one logical request: retries and redirects included, body read in full
        (with ``stream``, a 2xx answer's body is left to the caller, who closes it).

        Raises the ApiError for its status when the final answer is 4xx/5xx, and a
        TransportError when no usable answer arrived. ``anonymous`` sends no credential,
        even to the base URL's origin (an upload session's pre-authenticated URL).
        """
        exchange = _Exchange(self.core, method, url, content, headers, security, anonymous)
        while True:
            request = exchange.request(self.http, self.core.auth.sync_credentials(security))
            try:
                with _receiving(exchange.deadline):
                    response = self.http.send(request, follow_redirects=False, stream=True)
                    if _keep_open(response, stream):
                        exchange.deadline.stop()
                    else:
                        try:
                            _read(response, self.core.max_response_bytes, exchange.deadline)
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

    def answer(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
        *,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one call of ``endpoint`` and return its answer (see `send`)."""
        url, content, extra = self.core.calls.prepare(endpoint, args, body, headers)
        return self.send(
            endpoint.method,
            url,
            content=content,
            headers=extra,
            security=endpoint.security,
            stream=stream,
        )

    def call(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> T:
        """One operation: build the request, send it, decode the answer."""
        response = self.answer(endpoint, args, body, headers)
        return self.core.calls.result(endpoint, response)

    @contextmanager
    def stream(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> Iterator[httpx.Response]:
        """One operation whose answer's body is read by the caller, then closed."""
        response = self.answer(endpoint, args, body, headers, stream=True)
        try:
            yield response
        finally:
            response.close()

    def call_with_response(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> ApiResponse[T]:
        """One operation, its answer with status, headers and metadata."""
        return self.core.with_response(endpoint, self.answer(endpoint, args, body, headers))

    def each_page(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None = None,
    ) -> Iterator[Page[T]]:
        """A list operation page by page, following `@odata.nextLink`."""
        url, extra = self.core.listing(endpoint, args, headers, delta_link)

        def fetch(page: httpx.URL) -> httpx.Response:
            return self.send("GET", page, headers=extra, security=endpoint.security)

        for raw in _paging.pages(fetch, url, self.core.max_pages):
            yield self.core.page(endpoint, raw)

    def pages(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None = None,
    ) -> Iterator[T]:
        """A list operation: every item, decoded, following `@odata.nextLink` (for a
        delta function, a `DeltaIterator`)."""
        each = self.each_page(endpoint, args, headers, delta_link)
        if endpoint.delta:
            from ._response import DeltaIterator

            return DeltaIterator(each)
        return (item for page in each for item in page.items)

    def first_page(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None = None,
    ) -> ApiResponse[list[T]]:
        """A list operation's first page with its metadata."""
        url, extra = self.core.listing(endpoint, args, headers, delta_link)
        response = self.send("GET", url, headers=extra, security=endpoint.security)
        return self.core.first_page(endpoint, response)

    def close(self) -> None:
        if self._owns_http:
            self.http.close()


class AsyncTransport:
    """Sends requests for `AsyncClient` over one `httpx.AsyncClient`; mirrors SyncTransport."""

    def __init__(self, core: _Core, http: httpx.AsyncClient | None) -> None:
        self.core = core
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(timeout=core.timeout, follow_redirects=False)
        from ._bounded import bound_reads  # loads httpcore, as creating an httpx client does

        bound_reads(self.http)

    async def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        content: bytes | Payload | None = None,
        headers: Mapping[str, str] | None = None,
        security: Requirements | None = None,
        stream: bool = False,
        anonymous: bool = False,
    ) -> httpx.Response:
        """Send one logical request: retries and redirects included, body read in full
        (with ``stream``, a 2xx answer's body is left to the caller, who closes it)."""
        exchange = _Exchange(self.core, method, url, content, headers, security, anonymous)
        while True:
            credentials = await self.core.auth.async_credentials(security)
            request = exchange.request(self.http, credentials)
            try:
                with _receiving(exchange.deadline):
                    response = await self.http.send(request, follow_redirects=False, stream=True)
                    if _keep_open(response, stream):
                        exchange.deadline.stop()
                    else:
                        try:
                            await _aread(response, self.core.max_response_bytes, exchange.deadline)
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

    async def answer(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
        *,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one call of ``endpoint`` and return its answer (see `send`)."""
        url, content, extra = self.core.calls.prepare(endpoint, args, body, headers)
        return await self.send(
            endpoint.method,
            url,
            content=content,
            headers=extra,
            security=endpoint.security,
            stream=stream,
        )

    async def call(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> T:
        """One operation: build the request, send it, decode the answer."""
        response = await self.answer(endpoint, args, body, headers)
        return self.core.calls.result(endpoint, response)

    @asynccontextmanager
    async def stream(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> AsyncIterator[httpx.Response]:
        """One operation whose answer's body is read by the caller, then closed."""
        response = await self.answer(endpoint, args, body, headers, stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def call_with_response(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> ApiResponse[T]:
        """One operation, its answer with status, headers and metadata."""
        return self.core.with_response(endpoint, await self.answer(endpoint, args, body, headers))

    async def each_page(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None = None,
    ) -> AsyncIterator[Page[T]]:
        """A list operation page by page, following `@odata.nextLink`."""
        url, extra = self.core.listing(endpoint, args, headers, delta_link)

        async def fetch(page: httpx.URL) -> httpx.Response:
            return await self.send("GET", page, headers=extra, security=endpoint.security)

        async for raw in _paging.pages_async(fetch, url, self.core.max_pages):
            yield self.core.page(endpoint, raw)

    def pages(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None = None,
    ) -> AsyncIterator[T]:
        """A list operation: every item, decoded, following `@odata.nextLink` (for a
        delta function, an `AsyncDeltaIterator`)."""
        each = self.each_page(endpoint, args, headers, delta_link)
        if endpoint.delta:
            from ._response import AsyncDeltaIterator

            return AsyncDeltaIterator(each)
        return _flat(each)

    async def first_page(
        self,
        endpoint: Endpoint[T],
        args: tuple[Any, ...],
        headers: Mapping[str, str] | None,
        delta_link: str | None = None,
    ) -> ApiResponse[list[T]]:
        """A list operation's first page with its metadata."""
        url, extra = self.core.listing(endpoint, args, headers, delta_link)
        response = await self.send("GET", url, headers=extra, security=endpoint.security)
        return self.core.first_page(endpoint, response)

    async def close(self) -> None:
        if self._owns_http:
            await self.http.aclose()


def _removed(item: Any) -> bool:
    return isinstance(item, Mapping) and "@removed" in item


async def _flat(pages: AsyncIterator[Page[T]]) -> AsyncIterator[T]:
    """Every item of every page."""
    async for page in pages:
        for item in page.items:
            yield item
