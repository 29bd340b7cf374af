"""Graph collections read page after page: each page's `value` items, then `@odata.nextLink`.

A list operation's first request is the operation's own (its query in its URL); every
next one is a GET of the page's `@odata.nextLink`, resolved against the page's URL (the
link carries its own query). The transports hand in how to fetch one page, so the
sync and async clients walk collections the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import httpx

from ._endpoint import json_of
from .errors import ResponseDecodeError

# GET one page by its URL.
FetchPage = Callable[[httpx.URL], httpx.Response]
FetchPageAsync = Callable[[httpx.URL], Awaitable[httpx.Response]]


def page_parts(data: Any, url: httpx.URL) -> tuple[list[Any], httpx.URL | None]:
    """A collection page's items and the next page's URL (None on the last page)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("value"), list):
        raise ResponseDecodeError(
            f"a collection page from {url.copy_with(query=None)} has no `value` array"
        )
    next_link = data.get("@odata.nextLink")
    next_url = url.join(next_link) if isinstance(next_link, str) and next_link else None
    return data["value"], next_url


def items(fetch: FetchPage, url: httpx.URL) -> Iterator[Any]:
    """The items of a Graph collection, page after page, following `@odata.nextLink`."""
    next_url: httpx.URL | None = url
    while next_url is not None:
        data = json_of(fetch(next_url))
        page, next_url = page_parts(data, next_url)
        yield from page


async def items_async(fetch: FetchPageAsync, url: httpx.URL) -> AsyncIterator[Any]:
    """The items of a Graph collection, page after page, following `@odata.nextLink`."""
    next_url: httpx.URL | None = url
    while next_url is not None:
        data = json_of(await fetch(next_url))
        page, next_url = page_parts(data, next_url)
        for item in page:
            yield item
