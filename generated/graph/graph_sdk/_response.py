"""What an answer says besides its value: `ApiResponse` (one call), `Page` (one page of a
list) and the iterators of a delta round (`DeltaIterator`, `AsyncDeltaIterator`).

`client.with_response.<op>(...)` returns an `ApiResponse`, `client.pages.<list op>(...)`
iterates `Page`s, and the flat call of a delta operation returns a `DeltaIterator`, whose
``delta_link`` is set once every page was read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")


class _Slots:
    """Plain classes with ``__slots__`` (a dataclass would cost milliseconds at import)."""

    __slots__: tuple[str, ...] = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class ApiResponse(_Slots, Generic[T]):
    """An operation's answer with its metadata.

    ``value`` is what the plain call returns (None when the answer has no body, as a 204
    to an update; for a list operation, the items of the first page). ``etag`` is the
    `ETag` header, else the body's `@odata.etag`; ``request_id`` the `request-id` header
    (else `client-request-id`); ``odata_count``, ``next_link`` and ``delta_link`` are the
    body's `@odata.count`, `@odata.nextLink` and `@odata.deltaLink` (links made absolute).
    """

    __slots__ = (
        "delta_link",
        "etag",
        "headers",
        "next_link",
        "odata_count",
        "request_id",
        "status_code",
        "value",
    )

    def __init__(
        self,
        value: T,
        status_code: int,
        headers: httpx.Headers,
        etag: str | None,
        request_id: str | None,
        odata_count: int | None,
        next_link: str | None,
        delta_link: str | None,
    ) -> None:
        self.value = value
        self.status_code = status_code
        self.headers = headers
        self.etag = etag
        self.request_id = request_id
        self.odata_count = odata_count
        self.next_link = next_link
        self.delta_link = delta_link


class Page(_Slots, Generic[T]):
    """One page of a list: its decoded ``items``, the `@odata.nextLink` (None on the last
    page), `@odata.count` (when asked for), the `@odata.deltaLink` (on the last page of a
    delta round), and the answer's status and headers."""

    __slots__ = ("count", "delta_link", "headers", "items", "next_link", "status_code")

    def __init__(
        self,
        items: list[T],
        next_link: str | None,
        count: int | None,
        delta_link: str | None,
        status_code: int,
        headers: httpx.Headers,
    ) -> None:
        self.items = items
        self.next_link = next_link
        self.count = count
        self.delta_link = delta_link
        self.status_code = status_code
        self.headers = headers


def _link(data: Mapping[str, Any], key: str, url: httpx.URL) -> str | None:
    """A link of the body, resolved against the URL it was read from."""
    link = data.get(key)
    return str(url.join(link)) if isinstance(link, str) and link else None


def _count(data: Mapping[str, Any]) -> int | None:
    count = data.get("@odata.count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def response_of(value: T, response: httpx.Response, data: Any) -> ApiResponse[T]:
    """``value`` with the metadata of ``response``; ``data`` is its decoded JSON body (None
    when the body is not JSON)."""
    body: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    headers = response.headers
    etag = headers.get("etag")
    if etag is None and isinstance(body.get("@odata.etag"), str):
        etag = body["@odata.etag"]
    url = response.request.url
    return ApiResponse(
        value,
        response.status_code,
        headers,
        etag,
        headers.get("request-id") or headers.get("client-request-id"),
        _count(body),
        _link(body, "@odata.nextLink", url),
        _link(body, "@odata.deltaLink", url),
    )


def page_of(items: list[T], response: httpx.Response, data: Mapping[str, Any]) -> Page[T]:
    """One page of decoded ``items`` with the metadata of its answer."""
    url = response.request.url
    return Page(
        items,
        _link(data, "@odata.nextLink", url),
        _count(data),
        _link(data, "@odata.deltaLink", url),
        response.status_code,
        response.headers,
    )


class DeltaIterator(Iterator[T]):
    """The items of a delta round, page after page; ``delta_link`` is the last page's
    `@odata.deltaLink`, set once the iterator is exhausted (None before, or when the
    service gave none). Save it, and pass it back as ``delta_link=`` to get what changed
    since."""

    def __init__(self, pages: Iterator[Page[T]]) -> None:
        self.delta_link: str | None = None
        self._items = self._walk(pages)

    def _walk(self, pages: Iterator[Page[T]]) -> Iterator[T]:
        for page in pages:
            yield from page.items
            if page.delta_link is not None:
                self.delta_link = page.delta_link

    def __next__(self) -> T:
        return next(self._items)


class AsyncDeltaIterator(AsyncIterator[T]):
    """`DeltaIterator` for `AsyncClient`: ``async for``, then read ``delta_link``."""

    def __init__(self, pages: AsyncIterator[Page[T]]) -> None:
        self.delta_link: str | None = None
        self._items = self._walk(pages)

    async def _walk(self, pages: AsyncIterator[Page[T]]) -> AsyncIterator[T]:
        async for page in pages:
            for item in page.items:
                yield item
            if page.delta_link is not None:
                self.delta_link = page.delta_link

    async def __anext__(self) -> T:
        return await self._items.__anext__()
