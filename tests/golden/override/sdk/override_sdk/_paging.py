"""Graph collections read page after page: each page's `value` items, then `@odata.nextLink`.

A list operation's first request is the operation's own (its query in its URL), or a saved
`@odata.deltaLink` to resume a delta round; every next one is a GET of the page's
`@odata.nextLink`, resolved against the page's URL (the link carries its own query). The
transports hand in how to fetch one page, so the sync and async clients walk collections
the same way. A chain that comes back to a page already read, or grows past the client's
``max_pages``, ends in a `PagingError` instead of looping for ever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import httpx

from ._endpoint import json_of, where
from .errors import PagingError, ResponseDecodeError

# GET one page by its URL.
FetchPage = Callable[[httpx.URL], httpx.Response]
FetchPageAsync = Callable[[httpx.URL], Awaitable[httpx.Response]]
# One page as read: the answer, its JSON body and its `value` items (not yet decoded).
RawPage = tuple[httpx.Response, Mapping[str, Any], list[Any]]

DEFAULT_MAX_PAGES = 100_000


def page_parts(data: Any, url: httpx.URL) -> tuple[list[Any], httpx.URL | None]:
    """A collection page's items and the next page's URL (None on the last page)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("value"), list):
        raise ResponseDecodeError(
            f"a collection page from {url.copy_with(query=None)} has no `value` array"
        )
    next_link = data.get("@odata.nextLink")
    if not isinstance(next_link, str) or not next_link:
        return data["value"], None
    try:
        joined = url.join(next_link)
        # A host no DNS name can be (`https://...`, a placeholder in documentation
        # examples) would only fail later, inside httpx, as a bare UnicodeError.
        joined.host.encode("idna")
        return data["value"], joined
    except (httpx.InvalidURL, UnicodeError):
        raise ResponseDecodeError(
            f"a collection page from {url.copy_with(query=None)} has an `@odata.nextLink` "
            "that is not a URL"
        ) from None


class _Chain:
    """The pages of one listing so far: refuses a page read before, or one too many."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.seen: set[str] = set()

    def visit(self, url: httpx.URL) -> None:
        key = str(url)
        if key in self.seen:
            raise PagingError(
                f"`@odata.nextLink` leads back to a page already read after "
                f"{len(self.seen)} pages: {where('GET', url)}"
            )
        if len(self.seen) >= self.max_pages:
            raise PagingError(
                f"more than max_pages={self.max_pages} pages of `@odata.nextLink`: "
                f"{where('GET', url)}"
            )
        self.seen.add(key)


def pages(fetch: FetchPage, url: httpx.URL, max_pages: int) -> Iterator[RawPage]:
    """The pages of a Graph collection, following `@odata.nextLink`."""
    chain = _Chain(max_pages)
    next_url: httpx.URL | None = url
    while next_url is not None:
        chain.visit(next_url)
        response = fetch(next_url)
        data = json_of(response)
        items, next_url = page_parts(data, next_url)
        yield response, data, items


async def pages_async(
    fetch: FetchPageAsync, url: httpx.URL, max_pages: int
) -> AsyncIterator[RawPage]:
    """The pages of a Graph collection, following `@odata.nextLink`."""
    chain = _Chain(max_pages)
    next_url: httpx.URL | None = url
    while next_url is not None:
        chain.visit(next_url)
        response = await fetch(next_url)
        data = json_of(response)
        items, next_url = page_parts(data, next_url)
        yield response, data, items
