"""One operation as data (`Endpoint`), and what a call of it sends and gets back, without I/O.

A call's arguments become the request's URL (path segments percent-encoded), query,
headers and JSON body; the answer's JSON becomes the operation's result through its
decoder. Strict mode checks both with the spec's validators. The operation decorators
(`_http`) make the endpoints and the transports (`_transport`) send them; this module sits
between the two so neither needs the other's details.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import IO, Any, Generic, Literal, TypeVar, cast
from urllib.parse import quote, urlencode

import httpx

from . import _runtime as _rt
from . import _validation as _v
from .errors import RequestValidationError, ResponseDecodeError, ResponseValidationError

T = TypeVar("T")
BodyMode = Literal["patch", "full", "json", "form", "multipart", "binary", "text"]
Answer = Literal["json", "text", "binary"]
Location = Literal["path", "query", "header", "cookie"]
# Security requirements: alternatives, each the names of the schemes to send together.
Requirements = tuple[tuple[str, ...], ...]
# Strict mode's checks by key (see `Endpoint.checks`).
StrictChecks = Callable[[str], _v.Check]


@dataclass(frozen=True)
class Param:
    """How one parameter is sent: its place, name, and OpenAPI ``style`` and ``explode``."""

    location: Location
    name: str
    style: str
    explode: bool


@dataclass(frozen=True)
class FilePart:
    """A file for a multipart body: its bytes (or a binary file object, read when the
    request is built), the file name sent with it, and its media type."""

    content: bytes | IO[bytes]
    filename: str | None = None
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Endpoint(Generic[T]):
    """One operation as data: what the transports need to send it and read the answer.

    ``params`` are the path parameters in path order, then the query, header and cookie
    ones: the order of the method's arguments. ``body`` says how a request body is sent:
    "patch" only what changed on a model, "full" a whole model without read-only fields,
    "json" a plain value, "form" and "multipart" fields, "binary" bytes, "text" a string;
    ``content_type`` is its media type. ``decode`` turns the JSON answer (or, when
    ``paged``, each item of a collection) into ``T``; None means the answer has no body;
    ``answer`` says how the answer is read (JSON, text or bytes) and ``accept`` is the
    media type asked for. ``checks`` name strict mode's checks of the request body and of
    the answer (or of each item), by their keys in the validators. ``security`` is the
    operation's own requirements (None: the API's).
    """

    name: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: BodyMode | None = None
    decode: Callable[[Any], T] | None = None
    paged: bool = False
    checks: tuple[str | None, str | None] = (None, None)
    content_type: str = "application/json"
    answer: Answer = "json"
    accept: str = "application/json"
    security: Requirements | None = None


def _text(value: Any) -> str:
    """One value as parameter text (after `_rt.to_json_value`): booleans as JSON spells
    them, null as empty, nested arrays and objects as compact JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _escape(text: str) -> str:
    """Percent-encode everything but RFC 3986's unreserved characters."""
    return quote(text, safe="")


def _parts(value: Any, escape: Callable[[str], str]) -> tuple[list[str], list[tuple[str, str]]]:
    """An array's items, or an object's (key, value) pairs, each escaped."""
    if isinstance(value, list):
        return [escape(_text(v)) for v in value], []
    if isinstance(value, dict):
        return [], [(escape(str(k)), escape(_text(v))) for k, v in value.items()]
    return [escape(_text(value))], []


def _joined(items: list[str], pairs: list[tuple[str, str]], sep: str, explode: bool) -> str:
    """Items joined by ``sep``; pairs as `k=v` (exploded) or `k,v` (not), joined by ``sep``."""
    if pairs:
        if explode:
            return sep.join(f"{k}={v}" for k, v in pairs)
        return ",".join(f"{k},{v}" for k, v in pairs)
    return sep.join(items)


def path_value(param: Param, value: Any) -> str:
    """A path parameter (simple, label or matrix style), percent-encoded so it stays in
    its segment."""
    items, pairs = _parts(value, _escape)
    name = _escape(param.name)
    if param.style == "label":
        return "." + _joined(items, pairs, "." if param.explode else ",", param.explode)
    if param.style == "matrix":
        if param.explode and isinstance(value, list):
            return "".join(f";{name}={item}" for item in items)
        if param.explode and pairs:
            return "".join(f";{k}={v}" for k, v in pairs)
        return f";{name}=" + _joined(items, pairs, ",", False)
    return _joined(items, pairs, ",", param.explode)


def query_pairs(param: Param, value: Any) -> list[tuple[str, str]]:
    """A query parameter as encoded (name, value) pairs: form (arrays repeated when
    exploded, else comma-joined), spaceDelimited, pipeDelimited or deepObject."""
    name = _escape(param.name)
    if param.style == "deepObject":
        return _deep(name, value)
    items, pairs = _parts(value, _escape)
    if param.explode and isinstance(value, (list, dict)):
        return pairs if pairs else [(name, item) for item in items]
    sep = {"spaceDelimited": "%20", "pipeDelimited": "|"}.get(param.style, ",")
    if pairs:
        return [(name, sep.join(f"{k}{sep}{v}" for k, v in pairs))]
    return [(name, sep.join(items))]


def _deep(name: str, value: Any) -> list[tuple[str, str]]:
    """deepObject: `name[key]=value`, nested objects one bracket deeper, arrays repeated."""
    if isinstance(value, dict):
        result: list[tuple[str, str]] = []
        for key, item in value.items():
            result.extend(_deep(f"{name}%5B{_escape(str(key))}%5D", item))
        return result
    if isinstance(value, list):
        return [(name, _escape(_text(item))) for item in value]
    return [(name, _escape(_text(value)))]


def header_value(param: Param, value: Any) -> str:
    """A header parameter (simple style); header values are sent as they are."""
    items, pairs = _parts(value, lambda text: text)
    return _joined(items, pairs, ",", param.explode)


def cookie_pairs(param: Param, value: Any) -> list[str]:
    """A cookie parameter (form style) as `name=value` cookies, values percent-encoded."""
    items, pairs = _parts(value, _escape)
    name = _escape(param.name)
    if param.explode and pairs:
        return [f"{k}={v}" for k, v in pairs]
    if param.explode and isinstance(value, list):
        return [f"{name}={item}" for item in items]
    return [f"{name}=" + _joined(items, pairs, ",", False)]


def _set(value: Any) -> bool:
    return value is not None and value is not _rt.UNSET


def _value(value: Any, param: Param) -> Any:
    """A parameter's value as JSON data (models, enums and date-times as JSON has them),
    or as JSON text for a parameter whose `content` is JSON (style "json")."""
    data = _rt.to_json_value(value)
    return json.dumps(data, separators=(",", ":")) if param.style == "json" else data


def form_body(fields: Any) -> bytes:
    """application/x-www-form-urlencoded: arrays as repeated fields, nested objects as JSON."""
    pairs: list[tuple[str, str]] = []
    for name, value in _fields(fields):
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, _text(item)))
    return urlencode(pairs).encode("ascii")


def _fields(body: Any) -> list[tuple[str, Any]]:
    """A form or multipart body's fields: a model's JSON properties or a mapping's items
    (`FilePart`s and bytes kept), leaving out what is unset."""
    if isinstance(body, _rt.Model):
        body = body.to_dict(include_read_only=False)
    if not isinstance(body, Mapping):
        raise TypeError(f"a form body must be a mapping or a model, not {type(body).__name__}")
    return [
        (str(k), v if isinstance(v, (FilePart, bytes, bytearray)) else _rt.to_json_value(v))
        for k, v in body.items()
        if _set(v)
    ]


def _quoted(text: str) -> str:
    """A multipart name or file name inside quotes (HTML's escapes for `"` and newlines)."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_body(fields: Any, boundary: str) -> bytes:
    """multipart/form-data: `FilePart`s and bytes as file parts, objects and arrays of them as
    JSON parts, other arrays as repeated parts, the rest as text parts."""
    out = bytearray()
    for name, value in _fields(fields):
        items = value if isinstance(value, list) and not _structured(value) else [value]
        for item in items:
            disposition = f'form-data; name="{_quoted(name)}"'
            if isinstance(item, (FilePart, bytes, bytearray)):
                file = item if isinstance(item, FilePart) else FilePart(bytes(item), name)
                data = _read(file.content)
                if file.filename is not None:
                    disposition += f'; filename="{_quoted(file.filename)}"'
                headers = f"Content-Type: {file.content_type}\r\n"
            elif isinstance(item, (dict, list)):
                data, headers = _text(item).encode(), "Content-Type: application/json\r\n"
            else:
                data, headers = _text(item).encode(), ""
            out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{headers}\r\n".encode()
            out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


def _structured(value: list[Any]) -> bool:
    return any(isinstance(item, (dict, list)) for item in value)


def _read(content: Any) -> bytes:
    """Bytes as they are; a binary file object read (a text one is refused)."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    data = content.read()
    if not isinstance(data, bytes):
        raise TypeError("a file body must be bytes or a file opened in binary mode")
    return data


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
    """A client's calls of endpoints: arguments to a request under ``base_url``, the
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
    ) -> tuple[httpx.URL, bytes | None, dict[str, str]]:
        """(url with its query, body bytes, headers) for one call of ``endpoint``; ``args``
        are the method's parameter values, in the order of ``endpoint.params``."""
        path = endpoint.path
        query: list[tuple[str, str]] = []
        cookies: list[str] = []
        extra: dict[str, str] = {}
        for param, value in zip(endpoint.params, args):
            if param.location == "path":
                raw = _value(value, param)
                if isinstance(raw, str) and "'{" + param.name + "}'" in path:
                    # Inside quotes it is an OData string literal (`search(q='{q}')`), whose
                    # quotes are doubled: O'Brien is sent as q='O''Brien', never cut short.
                    raw = raw.replace("'", "''")
                path = path.replace("{" + param.name + "}", path_value(param, raw))
            elif not _set(value):
                continue
            elif param.location == "query":
                query.extend(query_pairs(param, _value(value, param)))
            elif param.location == "header":
                extra[param.name] = header_value(param, _value(value, param))
            else:
                cookies.extend(cookie_pairs(param, _value(value, param)))
        url = self.url_for(path)
        if query:
            url = url.copy_with(query="&".join(f"{k}={v}" for k, v in query).encode("ascii"))
        if cookies:
            extra["Cookie"] = "; ".join(cookies)
        if endpoint.decode is not None and endpoint.answer != "json":
            extra["Accept"] = endpoint.accept
        merged = {**extra, **(headers or {})}
        content = None
        if endpoint.body is not None and body is not None:  # None: no body is sent
            content, content_type = self._content(endpoint, body)
            # The body's own media type (a multipart boundary with it) wins over a caller's.
            merged = {k: v for k, v in merged.items() if k.lower() != "content-type"}
            merged["Content-Type"] = content_type
        return url, content, merged

    def _content(self, endpoint: Endpoint[Any], body: Any) -> tuple[bytes, str]:
        """The request body's bytes and media type."""
        mode, content_type = endpoint.body, endpoint.content_type
        if mode == "form":
            return form_body(body), content_type
        if mode == "multipart":
            boundary = uuid.uuid4().hex
            return multipart_body(body, boundary), f"{content_type}; boundary={boundary}"
        if mode == "binary":
            if "*" in content_type:  # a range such as `*/*` or `image/*` is no media type
                content_type = "application/octet-stream"
            return _read(body), content_type
        if mode == "text":
            if not isinstance(body, str):
                raise TypeError(f"a text body must be a str, not {type(body).__name__}")
            return body.encode("utf-8"), content_type
        if mode == "json":
            payload = _rt.to_json_value(body)
        else:
            payload = _rt.request_body(body, partial=mode == "patch")
        self._check(endpoint, payload, request=True)
        return json.dumps(payload, separators=(",", ":")).encode(), content_type

    def result(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        """The decoded answer of a call (None when the operation returns no body); text
        and binary answers as `str` and `bytes`."""
        if endpoint.decode is None:
            return cast(T, None)
        if endpoint.answer == "binary":
            return cast(T, response.content)
        if endpoint.answer == "text":
            return cast(T, response.text)
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
