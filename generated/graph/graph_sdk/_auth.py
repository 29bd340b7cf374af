"""Which credentials a request carries, and who may see them: the base URL's own origin,
over https or to a loopback host.

The spec's security schemes say where each credential goes (a bearer token or HTTP basic
in `Authorization`, an API key in a header, the query or a cookie) and each operation's
requirements which ones it sends. Credentials, and an `Authorization` or `Cookie` header a
caller puts in ``headers``, go only to the base URL's origin (scheme, host and port) and
only over https; plain http is allowed to loopback hosts, for local tests. Every request,
a redirect's included, passes through `Auth.authorize`, so a redirect to another origin
is followed without credentials. Kept apart from the transport so this one rule is read,
and tested, in one place.
"""

from __future__ import annotations

import base64
import inspect
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import httpx

from ._endpoint import Requirements

TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]] | None
# An API key, a function returning one, or one per apiKey scheme by the scheme's name.
ApiKeySource = TokenSource | Mapping[str, str]


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


@dataclass(frozen=True)
class Scheme:
    """A security scheme the client sends: "bearer" (a token in `Authorization`, for
    http bearer, OAuth 2 and OpenID Connect), "basic" (HTTP basic) or "apiKey" (named
    ``name``, in a header, the query or a cookie: ``location``)."""

    kind: Literal["bearer", "basic", "apiKey"]
    location: Literal["header", "query", "cookie", ""] = ""
    name: str = ""


# The scheme of a spec that declares none: a token given is sent as a bearer token.
_BEARER = {"": Scheme("bearer")}
Credential = str | tuple[str, str]


class Auth:
    """A client's credentials and the one origin they may be sent to.

    Per request, the operation's security requirements (or the API's) choose the first
    alternative whose credentials were all given; an operation whose requirements allow
    none sends none. Callables are asked anew per request (a token may refresh). No
    credential is ever part of a repr, a log record or an exception message.
    """

    def __init__(
        self,
        base_url: httpx.URL,
        token: TokenSource,
        log: logging.Logger,
        *,
        api_key: ApiKeySource = None,
        basic: tuple[str, str] | None = None,
        schemes: Mapping[str, Scheme] | None = None,
        requirements: Requirements | None = None,
    ) -> None:
        self.base_url = base_url
        self._token = token
        self._api_key = api_key
        self._basic = basic
        self.schemes = dict(schemes) if schemes else _BEARER
        self.requirements = requirements
        # Header and cookie names that carry an API key: never sent to another origin.
        self._secret_headers = {"authorization", "cookie"} | {
            s.name.lower() for s in self.schemes.values() if s.location == "header"
        }
        if self.has_token and not self.may_send_token(base_url):
            # Not an error (an unauthenticated call may still work), but a 401 later would
            # otherwise be a mystery.
            log.warning(
                "the token will not be sent (nor any credential): %s is plain http to a non-loopback host",
                base_url,
            )

    @property
    def has_token(self) -> bool:
        return bool(self._token or self._api_key or self._basic)

    def may_send_token(self, url: httpx.URL) -> bool:
        """True only for the base URL's own origin, over https or to a loopback host."""
        if origin(url) != origin(self.base_url):
            return False
        return url.scheme == "https" or is_loopback(url.host)

    def _source(self, name: str) -> Any:
        scheme = self.schemes[name]
        if scheme.kind == "bearer":
            return self._token
        if scheme.kind == "basic":
            return self._basic
        if isinstance(self._api_key, Mapping):
            return self._api_key.get(name)
        return self._api_key

    def plan(self, requirements: Requirements | None) -> tuple[str, ...]:
        """The schemes to send for an operation with ``requirements`` (None: the API's)."""
        required = self.requirements if requirements is None else requirements
        if required is None:  # the spec requires nothing: send the first credential given
            return next(((n,) for n in sorted(self.schemes) if self._source(n)), ())
        # An empty alternative (credentials optional) is taken only when no other can be.
        for alternative in sorted(required, key=lambda names: not names):
            if all(n in self.schemes and self._source(n) for n in alternative):
                return alternative
        return ()

    def _asked(self, requirements: Requirements | None) -> list[tuple[str, Any]]:
        """(scheme, value) to send, callables called (their result may be awaitable)."""
        return [
            (name, value() if callable(value) else value)
            for name, value in ((n, self._source(n)) for n in self.plan(requirements))
        ]

    def sync_credentials(self, requirements: Requirements | None) -> dict[str, Credential]:
        """The credentials for the next request of `Client`; an async callable is refused."""
        result: dict[str, Credential] = {}
        for name, value in self._asked(requirements):
            if inspect.isawaitable(value):
                if inspect.iscoroutine(value):
                    value.close()  # never awaited: close it so Python does not warn
                raise TypeError("an async token callable needs AsyncClient")
            result[name] = value if isinstance(value, tuple) else str(value)
        return result

    async def async_credentials(self, requirements: Requirements | None) -> dict[str, Credential]:
        """The credentials for the next request of `AsyncClient` (callables sync or async)."""
        result: dict[str, Credential] = {}
        for name, value in self._asked(requirements):
            if inspect.isawaitable(value):
                value = await value
            result[name] = value if isinstance(value, tuple) else str(value)
        return result

    def authorize(
        self, url: httpx.URL, credentials: Mapping[str, Credential], headers: Mapping[str, str]
    ) -> tuple[httpx.URL, dict[str, str]]:
        """(url, headers) for a request to ``url``: with the credentials where they may
        go, and without `Authorization`, cookies or API key headers where they may not."""
        allowed = self.may_send_token(url)
        sets_auth = any(self.schemes[n].kind != "apiKey" for n in credentials)
        # A caller's own Authorization header obeys the same origin rule as the token, and
        # the token replaces it (whatever its spelling) where both may go.
        result = {
            k: v
            for k, v in headers.items()
            if (allowed or k.lower() not in self._secret_headers)
            and not (sets_auth and allowed and k.lower() == "authorization")
        }
        if not allowed:
            return url, result
        cookies = []
        for name, value in credentials.items():
            scheme = self.schemes[name]
            if scheme.kind == "bearer":
                result["Authorization"] = f"Bearer {value}"
            elif scheme.kind == "basic" and isinstance(value, tuple):
                pair = f"{value[0]}:{value[1]}".encode()
                result["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
            elif scheme.location == "header":
                result[scheme.name] = str(value)
            elif scheme.location == "cookie":
                cookies.append(f"{quote(scheme.name, safe='')}={quote(str(value), safe='')}")
            else:
                pair_text = f"{quote(scheme.name, safe='')}={quote(str(value), safe='')}"
                query = url.query.decode("ascii")
                url = url.copy_with(query=(f"{query}&{pair_text}" if query else pair_text).encode())
        if cookies:
            own = [v for k, v in result.items() if k.lower() == "cookie"]
            result = {k: v for k, v in result.items() if k.lower() != "cookie"}
            result["Cookie"] = "; ".join([*own, *cookies])
        return url, result
