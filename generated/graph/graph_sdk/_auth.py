"""Which credentials a request carries, and who may see them: the base URL's own origin,
over https or to a loopback host.

The spec's security schemes say where each credential goes (a bearer token or HTTP basic
in `Authorization`, an API key in a header, the query or a cookie) and each operation's
requirements which ones it sends. Credentials, and an `Authorization` or `Cookie` header a
caller puts in ``headers``, go only to the base URL's origin (scheme, host and port) and
only over https; plain http is allowed to loopback hosts, for local tests. A client given
any credential with a plain-http base URL to another host is refused when it is built
(`CredentialError`), as the Azure SDK and Kiota refuse, rather than sending without it.
Every request, a redirect's included, passes through `Auth.authorize`, so a redirect to
another origin is followed without credentials (nor `Cookie`, `X-Api-Key` and the like).
Tokens and API keys are checked as header values before they are used; no message quotes
one. Kept apart from the transport so these rules are read, and tested, in one place.
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
from .errors import CredentialError

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
# Headers that carry credentials whatever the spec says: never sent to another origin.
_CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"}
)
_CHARACTERS = {"\n": "a line break (LF)", "\r": "a carriage return (CR)", " ": "a space"}


class _HideQueryKeys(logging.Filter):
    """Hides the values of API keys sent in the query from httpx's own log records (it
    logs each request's URL at INFO). Knows parameter names only, never a key."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._hidden(a) for a in record.args)
        return True

    def _hidden(self, value: object) -> object:
        if not isinstance(value, httpx.URL) or not value.query:
            return value
        pairs = value.params.multi_items()
        if not any(name in self.names for name, _ in pairs):
            return value
        return value.copy_with(params=[(n, "[hidden]" if n in self.names else v) for n, v in pairs])


_QUERY_KEYS = _HideQueryKeys()


def header_problem(value: str, *, token: bool = False) -> str | None:
    """Why ``value`` cannot be sent as an HTTP header value (a ``token``: as a credential,
    visible ASCII only), or None. Names the character's kind and place, never the value."""
    for index, char in enumerate(value):
        code = ord(char)
        if 0x21 <= code <= 0x7E or (not token and (char == " " or char == "\t")):
            continue
        kind = _CHARACTERS.get(char) or (
            "a non-ASCII character" if code > 0x7E else "a control character"
        )
        return f"character {index + 1} of {len(value)} is {kind}"
    return "it is empty" if token and not value else None


def _checked(what: str, value: Any) -> Credential:
    """A credential as sent: a (user, password) pair as it is, a token or key checked."""
    if isinstance(value, tuple):
        return value
    if not isinstance(value, str):
        raise CredentialError(f"{what} must be a str, got {type(value).__name__}")
    problem = header_problem(value, token=True)
    if problem is not None:
        hint = " (read from a file? strip it)" if value != value.strip() else ""
        raise CredentialError(f"{what} is not a valid header value: {problem}{hint}")
    return value


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
        *,
        api_key: ApiKeySource = None,
        basic: tuple[str, str] | None = None,
        schemes: Mapping[str, Scheme] | None = None,
        requirements: Requirements | None = None,
        headers: Mapping[str, str] | None = None,
        url_basic: tuple[str, str] | None = None,
    ) -> None:
        self.base_url = base_url
        self._token = token
        self._api_key = api_key
        self._basic = basic
        # User and password given in base_url: sent as HTTP basic where no other
        # `Authorization` goes (never left in the URL, where httpx would log them).
        self._url_basic = url_basic
        self.schemes = dict(schemes) if schemes else _BEARER
        self.requirements = requirements
        # Header and cookie names that carry a credential: never sent to another origin.
        self.secret_headers = _CREDENTIAL_HEADERS | {
            s.name.lower() for s in self.schemes.values() if s.location == "header"
        }
        self._check_static()
        query_keys = {s.name for s in self.schemes.values() if s.location == "query"}
        if query_keys:
            _QUERY_KEYS.names |= query_keys
            logging.getLogger("httpx").addFilter(_QUERY_KEYS)  # once: filters are a set
        given = self.has_token or any(k.lower() in self.secret_headers for k in headers or {})
        if given and not self.may_send_token(base_url):
            raise CredentialError(
                f"refusing to send credentials over plain http to {base_url.host}: use https "
                "(plain http is allowed only to localhost, 127.0.0.1 and ::1)"
            )

    def _check_static(self) -> None:
        """Fail when the client is built for a token or key given as text that is no
        valid header value (a callable's result is checked per request)."""
        for name in self.schemes:
            value = self._source(name)
            if isinstance(value, str) and value:  # "" means none, as `plan` takes it
                _checked(self._what(name), value)

    def _what(self, name: str) -> str:
        """A credential named for messages, by its scheme."""
        if self.schemes[name].kind == "bearer":
            return "the token"
        return f"the API key {name!r}" if name else "the API key"

    @property
    def has_token(self) -> bool:
        return bool(self._token or self._api_key or self._basic or self._url_basic)

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
            result[name] = _checked(self._what(name), value)
        return result

    async def async_credentials(self, requirements: Requirements | None) -> dict[str, Credential]:
        """The credentials for the next request of `AsyncClient` (callables sync or async)."""
        result: dict[str, Credential] = {}
        for name, value in self._asked(requirements):
            if inspect.isawaitable(value):
                value = await value
            result[name] = _checked(self._what(name), value)
        return result

    def without_secrets(self, headers: Mapping[str, str]) -> dict[str, str]:
        """``headers`` without `Authorization`, cookies or API key headers."""
        return {k: v for k, v in headers.items() if k.lower() not in self.secret_headers}

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
            if (allowed or k.lower() not in self.secret_headers)
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
        if self._url_basic and not any(k.lower() == "authorization" for k in result):
            pair = ":".join(self._url_basic).encode()
            result["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return url, result
