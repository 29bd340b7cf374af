"""Who may see the access token: the base URL's own origin, over https or to a loopback host.

The token, and an `Authorization` header a caller puts in ``headers``, go only to the base
URL's origin (scheme, host and port) and only over https; plain http is allowed to loopback
hosts, for local tests. Every request's headers, a redirect's included, pass through
`Auth.authorize`, so a redirect to another origin is followed without credentials. Kept
apart from the transport so this one rule is read, and tested, in one place.
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Mapping

import httpx

TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]] | None


def origin(url: httpx.URL) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in."""
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


class Auth:
    """A client's token source and the one origin its credentials may be sent to.

    The token is asked for anew per request (a callable may refresh it); it is never part
    of a repr, a log record or an exception message.
    """

    def __init__(self, base_url: httpx.URL, token: TokenSource, log: logging.Logger) -> None:
        self.base_url = base_url
        self._token = token
        if token is not None and not self.may_send_token(base_url):
            # Not an error (an unauthenticated call may still work), but a 401 later would
            # otherwise be a mystery.
            log.warning(
                "the token will not be sent: %s is plain http to a non-loopback host",
                base_url,
            )

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def may_send_token(self, url: httpx.URL) -> bool:
        """True only for the base URL's own origin, over https or to a loopback host."""
        if origin(url) != origin(self.base_url):
            return False
        return url.scheme == "https" or is_loopback(url.host)

    def authorize(
        self, url: httpx.URL, token: str | None, headers: Mapping[str, str]
    ) -> dict[str, str]:
        """``headers`` for a request to ``url``: with the token where it may go, and without
        any `Authorization` where it may not."""
        allowed = self.may_send_token(url)
        # A caller's own Authorization header obeys the same origin rule as the token, and
        # the token replaces it (whatever its spelling) where both may go.
        drop = not allowed or bool(token)
        result = {k: v for k, v in headers.items() if not (drop and k.lower() == "authorization")}
        if allowed and token:
            result["Authorization"] = f"Bearer {token}"
        return result

    def sync_token(self) -> str | None:
        """The token for the next request of `Client`; an async callable is refused."""
        source = self._token
        if source is None or isinstance(source, str):
            return source
        value = source()
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()  # never awaited: close it so Python does not warn about it
            raise TypeError("an async token callable needs AsyncClient")
        return str(value)

    async def async_token(self) -> str | None:
        """The token for the next request of `AsyncClient`; a callable may be sync or async."""
        source = self._token
        if source is None or isinstance(source, str):
            return source
        value = source()
        if inspect.isawaitable(value):
            value = await value
        return str(value)
