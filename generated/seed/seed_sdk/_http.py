"""The HTTP core under `Client` and `AsyncClient`: auth, retries, redirects, errors.

Rules it keeps, whatever the caller does:
- The token is sent only to the base URL's origin, and only over https (plain http is
  allowed for loopback hosts, for local tests). A redirect to another origin is followed
  without `Authorization`.
- 429, 503 and 504, and connection failures before anything was sent, are retried a
  bounded number of times within a bounded total wait, honouring `Retry-After`.
- Every request carries a `client-request-id`, the same on its retries.
- The token is never part of a repr, a log record or an exception message.
"""

from __future__ import annotations

import inspect
import json
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from .errors import (
    ApiError,
    RequestTimeoutError,
    ResponseDecodeError,
    TransportError,
    error_for_status,
)

TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]] | None

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class RetryPolicy:
    """How failed requests are tried again.

    ``max_attempts`` counts the first try; ``max_wait`` bounds the total time spent
    sleeping between tries; a `Retry-After` longer than what is left ends the retries.
    """

    max_attempts: int = 4
    max_wait: float = 60.0
    backoff: float = 0.5
    backoff_max: float = 16.0
    statuses: frozenset[int] = frozenset({429, 503, 504})

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 1)."""
        if retry_after is not None:
            return max(0.0, retry_after)
        ceiling = min(self.backoff_max, self.backoff * (2 ** (attempt - 1)))
        return float(ceiling / 2 + random.random() * ceiling / 2)


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{name}` segments, each value percent-encoded so it stays one segment."""
    result = template
    for name, value in values.items():
        text = value.value if hasattr(value, "value") and not isinstance(value, str) else value
        result = result.replace("{" + name + "}", quote(str(text), safe=""))
    return result


def query_params(values: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters without the ones left unset; lists are comma-joined (OData)."""
    result: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value.__class__.__name__ == "UnsetType":
            continue
        if isinstance(value, bool):
            result[name] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            result[name] = ",".join(str(v) for v in value)
        else:
            result[name] = str(value)
    return result


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port
    if port is None:
        port = 443 if url.scheme == "https" else 80
    return (url.scheme, url.host.lower(), port)


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
    ) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        self._token = token
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry
        self.headers = dict(headers or {})
        self.strict = strict
        self.log = logging.getLogger(__name__.rsplit(".", 1)[0])

    def __repr__(self) -> str:
        return f"base_url={str(self.base_url)!r}, auth={'yes' if self._token else 'no'}"

    def url_for(self, path: str) -> httpx.URL:
        return self.base_url.join(path.lstrip("/"))

    def may_send_token(self, url: httpx.URL) -> bool:
        if _origin(url) != _origin(self.base_url):
            return False
        return url.scheme == "https" or url.host.lower() in _LOOPBACK

    def headers_for(
        self, url: httpx.URL, token: str | None, request_id: str, extra: Mapping[str, str]
    ) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "client-request-id": request_id,
            **self.headers,
            **extra,
        }
        if token and self.may_send_token(url):
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def redirect_target(self, response: httpx.Response) -> httpx.URL | None:
        if response.status_code not in _REDIRECT_STATUSES:
            return None
        location = response.headers.get("location")
        if not location:
            return None
        return response.request.url.join(location)

    def should_retry(self, response: httpx.Response, attempt: int, waited: float) -> float | None:
        """The seconds to wait before retrying, or None to stop."""
        if response.status_code not in self.retry.statuses or attempt >= self.retry.max_attempts:
            return None
        delay = self.retry.delay(attempt, parse_retry_after(response.headers.get("retry-after")))
        if waited + delay > self.retry.max_wait:
            return None
        return delay

    def connect_retry(self, attempt: int, waited: float) -> float | None:
        if attempt >= self.retry.max_attempts:
            return None
        delay = self.retry.delay(attempt, None)
        return None if waited + delay > self.retry.max_wait else delay

    def error(self, response: httpx.Response, method: str) -> ApiError:
        return error_for_status(
            response.status_code,
            response.headers,
            response.content,
            method=method,
            url=str(response.request.url.copy_with(query=None)),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )

    def json_of(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except ValueError:
            snippet = " ".join(response.content[:200].decode("utf-8", "replace").split())
            raise ResponseDecodeError(
                f"{response.status_code} response from {response.request.method} "
                f"{response.request.url.copy_with(query=None)} is not JSON: {snippet!r}"
            ) from None

    def page_parts(self, data: Any, url: httpx.URL) -> tuple[list[Any], httpx.URL | None]:
        """A collection page's items and the next page's URL (None on the last page)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("value"), list):
            raise ResponseDecodeError(
                f"a collection page from {url.copy_with(query=None)} has no `value` array"
            )
        next_link = data.get("@odata.nextLink")
        return data["value"], (
            url.join(next_link) if isinstance(next_link, str) and next_link else None
        )

    def transport_error(self, exc: httpx.HTTPError, method: str, url: httpx.URL) -> TransportError:
        where = f"{method} {url.copy_with(query=None)}"
        if isinstance(exc, httpx.TimeoutException):
            return RequestTimeoutError(f"timed out: {where}")
        return TransportError(f"{type(exc).__name__} on {where}")


def _not_sent(exc: httpx.HTTPError) -> bool:
    """Failures that happened before the request reached the server: safe to retry."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))


class SyncTransport:
    """Sends requests for `Client` over one `httpx.Client` (one connection pool)."""

    def __init__(self, core: _Core, http: httpx.Client | None) -> None:
        self.core = core
        self.http = http or httpx.Client(timeout=core.timeout, follow_redirects=False)

    def _token(self) -> str | None:
        source = self.core._token
        if source is None or isinstance(source, str):
            return source
        value = source()
        if inspect.isawaitable(value):
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
        core = self.core
        request_id = str(uuid.uuid4())
        content = (
            None if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()
        )
        extra = dict(headers or {})
        if content is not None:
            extra["Content-Type"] = "application/json"
        attempt = 0
        waited = 0.0
        redirects = 0
        while True:
            attempt += 1
            token = self._token()
            request = self.http.build_request(
                method,
                url,
                params=params,
                content=content,
                headers=core.headers_for(url, token, request_id, extra),
            )
            try:
                response = self.http.send(request)
            except httpx.HTTPError as exc:
                delay = core.connect_retry(attempt, waited) if _not_sent(exc) else None
                if delay is None:
                    raise core.transport_error(exc, method, url) from None
                time.sleep(delay)
                waited += delay
                continue
            try:
                response.read()
            except httpx.HTTPError as exc:
                response.close()
                raise core.transport_error(exc, method, url) from None
            target = core.redirect_target(response)
            if target is not None and redirects < _MAX_REDIRECTS:
                redirects += 1
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and method == "POST"
                ):
                    method, content = "GET", None
                    extra.pop("Content-Type", None)
                url, params, attempt = target, None, 0
                continue
            delay = core.should_retry(response, attempt, waited)
            if delay is not None:
                core.log.info(
                    "retrying %s %s after %.2fs (status %s)",
                    method,
                    url.copy_with(query=None),
                    delay,
                    response.status_code,
                )
                time.sleep(delay)
                waited += delay
                continue
            if response.status_code >= 400:
                raise core.error(response, method)
            return response

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

    def close(self) -> None:
        self.http.close()


class AsyncTransport:
    """Sends requests for `AsyncClient` over one `httpx.AsyncClient`."""

    def __init__(self, core: _Core, http: httpx.AsyncClient | None) -> None:
        self.core = core
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
        import asyncio

        core = self.core
        request_id = str(uuid.uuid4())
        content = (
            None if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()
        )
        extra = dict(headers or {})
        if content is not None:
            extra["Content-Type"] = "application/json"
        attempt = 0
        waited = 0.0
        redirects = 0
        while True:
            attempt += 1
            token = await self._token()
            request = self.http.build_request(
                method,
                url,
                params=params,
                content=content,
                headers=core.headers_for(url, token, request_id, extra),
            )
            try:
                response = await self.http.send(request)
            except httpx.HTTPError as exc:
                delay = core.connect_retry(attempt, waited) if _not_sent(exc) else None
                if delay is None:
                    raise core.transport_error(exc, method, url) from None
                await asyncio.sleep(delay)
                waited += delay
                continue
            try:
                await response.aread()
            except httpx.HTTPError as exc:
                await response.aclose()
                raise core.transport_error(exc, method, url) from None
            target = core.redirect_target(response)
            if target is not None and redirects < _MAX_REDIRECTS:
                redirects += 1
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and method == "POST"
                ):
                    method, content = "GET", None
                    extra.pop("Content-Type", None)
                url, params, attempt = target, None, 0
                continue
            delay = core.should_retry(response, attempt, waited)
            if delay is not None:
                core.log.info(
                    "retrying %s %s after %.2fs (status %s)",
                    method,
                    url.copy_with(query=None),
                    delay,
                    response.status_code,
                )
                await asyncio.sleep(delay)
                waited += delay
                continue
            if response.status_code >= 400:
                raise core.error(response, method)
            return response

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
            data = self.core.json_of(
                await self.send("GET", next_url, params=params, headers=headers)
            )
            items, next_url = self.core.page_parts(data, next_url)
            params = None
            for item in items:
                yield item

    async def close(self) -> None:
        await self.http.aclose()
