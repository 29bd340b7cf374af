"""One operation as data (`Endpoint`), and what a call of it sends and gets back, without I/O.

A call's arguments become the request's URL (path segments percent-encoded), query,
headers and JSON body; the answer's JSON becomes the operation's result through its
decoder. Strict mode checks both with the spec's validators. The operation decorators
(`_http`) make the endpoints and the transports (`_transport`) send them; this module sits
between the two so neither needs the other's details.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, Literal, TypeVar, cast
from urllib.parse import quote

import httpx

from . import _runtime as _rt
from . import _validation as _v
from .errors import RequestValidationError, ResponseDecodeError, ResponseValidationError

T = TypeVar("T")
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
    """Fill `{name}` segments, each value percent-encoded so it stays one segment.

    A value that stands inside quotes, as an OData string literal (``search(q='{q}')``),
    has its quotes doubled first, as OData escapes them: ``O'Brien`` is sent as
    ``q='O''Brien'``, never as a literal that ends early."""
    result = template
    for name, value in zip(names, values):
        text = _text(value)
        if "'{" + name + "}'" in result:
            text = text.replace("'", "''")
        result = result.replace("{" + name + "}", quote(text, safe=""))
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


def where(method: str, url: httpx.URL) -> str:
    """A request named for messages: the query is left out (it may hold secrets)."""
    return f"{method} {url.copy_with(query=None, fragment=None)}"


def json_of(response: httpx.Response) -> Any:
    """A response body's JSON; a body that is not JSON is a ResponseDecodeError."""
    try:
        return json.loads(response.content)
    except ValueError:
        snippet = " ".join(response.content[:200].decode("utf-8", "replace").split())
        raise ResponseDecodeError(
            f"{response.status_code} response to "
            f"{where(response.request.method, response.request.url)} "
            f"is not JSON: {snippet!r}"
        ) from None


class Calls:
    """A client's calls of endpoints: arguments to a request under ``base_url``, the JSON
    answer to a result, both checked when ``strict``."""

    def __init__(self, base_url: httpx.URL, strict: bool, checks: StrictChecks | None) -> None:
        self.base_url = base_url
        self.strict = strict
        self.checks = checks

    def url_for(self, path: str) -> httpx.URL:
        return self.base_url.join(path.lstrip("/"))

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
        return self.decode(endpoint, json_of(response), response.request.url)

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
