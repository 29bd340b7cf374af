"""Sending requests over httpx: timeouts, redirects and retries, the same for both clients.

`_Core` holds a client's settings; `_Exchange` walks one logical request through its tries
and redirects without doing any I/O; `SyncTransport` and `AsyncTransport` do the I/O, so
`Client` and `AsyncClient` keep the same rules by construction:
- Every request has a timeout, and a response body is read in full before it is returned.
- Every request carries a `client-request-id`, the same on its retries and redirects.
- Redirects are followed here, not by httpx, so each hop's headers pass `_auth`'s origin
  rule; the retry decisions are `_retry`'s.
- An httpx failure becomes a `TransportError` naming the request without its query, never
  showing its headers.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import httpx

from . import _paging
from ._auth import ApiKeySource, Auth, Scheme, TokenSource
from ._endpoint import Calls, Endpoint, Requirements, StrictChecks, where
from ._retry import RetryPolicy, connect_retry_delay, parse_retry_after, retry_delay
from .errors import ApiError, RequestTimeoutError, TransportError, error_for_status

T = TypeVar("T")

_MAX_REDIRECTS = 5
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
    ) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry
        self.headers = dict(headers or {})
        self.log = logging.getLogger(__name__.rsplit(".", 1)[0])
        self.auth = Auth(
            self.base_url,
            token,
            self.log,
            api_key=api_key,
            basic=basic,
            schemes=schemes,
            requirements=security,
        )
        self.calls = Calls(self.base_url, strict, checks)

    def __repr__(self) -> str:
        return f"base_url={str(self.base_url)!r}, auth={'yes' if self.auth.has_token else 'no'}"

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
        return self.auth.authorize(url, credentials, merged)

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
            url=str(response.request.url.copy_with(query=None, fragment=None)),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )

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
        content: bytes | None,
        headers: Mapping[str, str] | None,
        security: Requirements | None,
    ) -> None:
        self.core = core
        self.method = method
        self.url = url
        self.content = content
        self.extra = dict(headers or {})
        self.security = security  # the operation's requirements (None: the API's)
        self.request_id = str(uuid.uuid4())  # the same on every retry and redirect
        self.attempt = 0
        self.redirects = 0
        self.waited = 0.0

    def request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        credentials: Mapping[str, str | tuple[str, str]],
    ) -> httpx.Request:
        """The next request to send; ``credentials`` are asked for anew each time (a token
        may refresh)."""
        self.attempt += 1
        url, headers = self.core.prepared(self.url, credentials, self.request_id, self.extra)
        if self.content is None:
            # A redirect that turned the request into a GET carries no body, nor its type.
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        # The timeout is set per request so a caller's own httpx client cannot lift it.
        return http.build_request(
            self.method, url, content=self.content, headers=headers, timeout=self.core.timeout
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

    def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        security: Requirements | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one logical request: retries and redirects included, body read in full
        (with ``stream``, a 2xx answer's body is left to the caller, who closes it).

        Raises the ApiError for its status when the final answer is 4xx/5xx, and a
        TransportError when no usable answer arrived.
        """
        exchange = _Exchange(self.core, method, url, content, headers, security)
        while True:
            request = exchange.request(self.http, self.core.auth.sync_credentials(security))
            try:
                response = self.http.send(request, follow_redirects=False, stream=True)
                if not _keep_open(response, stream):
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

    def pages(
        self, endpoint: Endpoint[T], args: tuple[Any, ...], headers: Mapping[str, str] | None
    ) -> Iterator[T]:
        """A list operation: every item, decoded, following `@odata.nextLink`."""
        url, _, extra = self.core.calls.prepare(endpoint, args, None, headers)

        def fetch(page: httpx.URL) -> httpx.Response:
            return self.send("GET", page, headers=extra, security=endpoint.security)

        for item in _paging.items(fetch, url):
            yield self.core.calls.decode(endpoint, item, url)

    def close(self) -> None:
        if self._owns_http:
            self.http.close()


class AsyncTransport:
    """Sends requests for `AsyncClient` over one `httpx.AsyncClient`; mirrors SyncTransport."""

    def __init__(self, core: _Core, http: httpx.AsyncClient | None) -> None:
        self.core = core
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(timeout=core.timeout, follow_redirects=False)

    async def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        security: Requirements | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one logical request: retries and redirects included, body read in full
        (with ``stream``, a 2xx answer's body is left to the caller, who closes it)."""
        exchange = _Exchange(self.core, method, url, content, headers, security)
        while True:
            credentials = await self.core.auth.async_credentials(security)
            request = exchange.request(self.http, credentials)
            try:
                response = await self.http.send(request, follow_redirects=False, stream=True)
                if not _keep_open(response, stream):
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

    async def pages(
        self, endpoint: Endpoint[T], args: tuple[Any, ...], headers: Mapping[str, str] | None
    ) -> AsyncIterator[T]:
        """A list operation: every item, decoded, following `@odata.nextLink`."""
        url, _, extra = self.core.calls.prepare(endpoint, args, None, headers)

        async def fetch(page: httpx.URL) -> httpx.Response:
            return await self.send("GET", page, headers=extra, security=endpoint.security)

        async for item in _paging.items_async(fetch, url):
            yield self.core.calls.decode(endpoint, item, url)

    async def close(self) -> None:
        if self._owns_http:
            await self.http.aclose()
