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
from ._upload import Payload, content_of
from .errors import (
    InvalidRequestError,
    RequestValidationError,
    ResponseDecodeError,
    ResponseValidationError,
)

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
    operation's own requirements (None: the API's). ``delta`` marks a paged delta
    function: it can resume from a saved `@odata.deltaLink`.
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
    delta: bool = False


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
    its segment: `/` is escaped, and a value that would make the segment `.` or `..` has
    its dots escaped, so no value moves the request to another path."""
    text = _styled(param, value)
    return text.replace(".", "%2E") if text in (".", "..") else text


def _styled(param: Param, value: Any) -> str:
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


def _query_name(name: str) -> str:
    """A query parameter's name, percent-encoded but for `$` and `@`, which a query may hold
    as they are: OData's options go out as Graph documents them (`$top=5`)."""
    return quote(name, safe="$@")


def query_pairs(param: Param, value: Any) -> list[tuple[str, str]]:
    """A query parameter as encoded (name, value) pairs: form (arrays repeated when
    exploded, else comma-joined), spaceDelimited, pipeDelimited or deepObject."""
    name = _query_name(param.name)
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


def extra_query(
    params: Mapping[str, str] | None, typed: tuple[Param, ...] = ()
) -> list[tuple[str, str]]:
    """A caller's extra query parameters (``params=``) as encoded (name, value) pairs.

    A name that is one of the operation's own query parameters (``$top``, also written
    ``top``, as Graph reads both) is refused: it has its own keyword, and sending it twice
    would leave the server to pick one."""
    if params is None:
        return []
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of str to str, not {type(params).__name__}")
    own = {p.name.lower().lstrip("$"): p.name for p in typed if p.location == "query"}
    pairs = []
    for name, value in params.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"params must map str to str; got {name!r}: {type(value).__name__}")
        clash = own.get(name.lower().lstrip("$"))
        if clash is not None:
            raise ValueError(
                f"params key {name!r} is the operation's own query parameter {clash!r}: "
                "pass it as its keyword argument"
            )
        pairs.append((_query_name(name), _escape(value)))
    return pairs


def _has(headers: Mapping[str, str] | None, name: str) -> bool:
    return any(k.lower() == name.lower() for k in headers or {})


# Graph answers `$search`, and `$count` on directory objects, only with this header
# (advanced queries); an operation that declares it gets it sent when they are used.
CONSISTENCY_LEVEL = "ConsistencyLevel"


def _needs_eventual(endpoint: Endpoint[Any], args: tuple[Any, ...]) -> bool:
    """Whether a call uses `$search` or `$count=true` on an operation declaring the
    `ConsistencyLevel` header (and does not give that header a value itself)."""
    declared = False
    used = False
    for param, value in zip(endpoint.params, args):
        name = param.name.lower()
        if param.location == "header" and name == CONSISTENCY_LEVEL.lower():
            declared = True
            if _set(value):
                return False
        elif param.location == "query" and _set(value):
            used = used or name == "$search" or (name == "$count" and value is True)
    return declared and used


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
    return f"{method} {url.copy_with(query=None, fragment=None, userinfo=b'')}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_of(response: httpx.Response) -> Any:
    """A response body's JSON; a body that is not JSON (NaN and Infinity included, which
    could not be sent back) or nests deeper than Python can read is a ResponseDecodeError."""
    try:
        return json.loads(response.content, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        snippet = " ".join(response.content[:200].decode("utf-8", "replace").split())
        raise ResponseDecodeError(
            f"{response.status_code} response to "
            f"{where(response.request.method, response.request.url)} "
            f"is not JSON: {snippet!r}"
        ) from None


class Calls:
    """A client's calls of endpoints: arguments to a request under ``base_url``, the
    answer to a result, both checked when ``strict``."""

    def __init__(
        self,
        base_url: httpx.URL,
        strict: bool,
        checks: StrictChecks | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url
        self.strict = strict
        self.checks = checks
        self.headers = headers or {}  # the client's own, sent with every request

    def url_for(self, path: str) -> httpx.URL:
        """``path`` under the base URL, with the base URL's own query (if it has one)."""
        url = self.base_url.join(path.lstrip("/"))
        return url.copy_with(query=self.base_url.query) if self.base_url.query else url

    def raw(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        content: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.URL, bytes | None, dict[str, str]]:
        """(url, body bytes, headers) of `client.request`: ``path`` under the base URL, or
        an absolute URL of the base URL's origin (a next link); ``params`` added to its
        query; ``json_body`` (unless UNSET) sent as JSON, else ``content`` as it is."""
        target = httpx.URL(path)
        if target.is_absolute_url:
            origin = (self.base_url.scheme, self.base_url.host, self.base_url.port)
            if (target.scheme, target.host, target.port) != origin:
                raise ValueError(
                    f"request() takes a path under the base URL or a URL of its origin "
                    f"({self.base_url.scheme}://{self.base_url.netloc.decode('ascii')}), "
                    f"not {where(method, target)}"
                )
            url = target
        else:
            url = self.url_for(path)
        pairs = extra_query(params)
        if pairs:
            query = url.query.decode("ascii")
            added = "&".join(f"{k}={v}" for k, v in pairs)
            url = url.copy_with(query=(f"{query}&{added}" if query else added).encode("ascii"))
        merged = dict(headers or {})
        if json_body is not _rt.UNSET:
            if content is not None:
                raise ValueError("request() takes json= or content=, not both")
            payload = json.dumps(_rt.to_json_value(json_body), separators=(",", ":"))
            content = payload.encode()
            if not _has(merged, "content-type"):
                merged["Content-Type"] = "application/json"
        elif content is not None and not isinstance(content, (bytes, bytearray)):
            raise TypeError(f"content must be bytes, not {type(content).__name__}")
        return url, None if content is None else bytes(content), merged

    def prepare(
        self,
        endpoint: Endpoint[Any],
        args: tuple[Any, ...],
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.URL, bytes | Payload | None, dict[str, str]]:
        """(url with its query, body bytes (a `Payload` for a file), headers) for one call
        of ``endpoint``; ``args`` are the method's parameter values, in the order of
        ``endpoint.params``, then its ``params=`` (extra query parameters, sent after the
        typed ones) when it has one."""
        extra_params = args[len(endpoint.params)] if len(args) > len(endpoint.params) else None
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
        query.extend(extra_query(extra_params, endpoint.params))
        if (
            _needs_eventual(endpoint, args)
            and not _has(headers, CONSISTENCY_LEVEL)
            and not _has(self.headers, CONSISTENCY_LEVEL)
        ):
            extra[CONSISTENCY_LEVEL] = "eventual"
        url = self.url_for(path)
        if query:
            pairs = [url.query.decode("ascii")] if url.query else []
            pairs += [f"{k}={v}" for k, v in query]
            url = url.copy_with(query="&".join(pairs).encode("ascii"))
        if cookies:
            extra["Cookie"] = "; ".join(cookies)
        if endpoint.decode is not None and endpoint.answer != "json":
            extra["Accept"] = endpoint.accept
        merged = {**extra, **(headers or {})}
        content: bytes | Payload | None = None
        if endpoint.body is not None and body is not None:  # None: no body is sent
            content, content_type = self._content(endpoint, body)
            given = [v for k, v in merged.items() if k.lower() == "content-type"]
            if endpoint.body == "binary" and given:
                content_type = given[-1]  # bytes have no type of their own: the caller's says
            # The body's own media type (a multipart boundary with it) wins over a caller's.
            merged = {k: v for k, v in merged.items() if k.lower() != "content-type"}
            merged["Content-Type"] = content_type
        return url, content, merged

    def _content(self, endpoint: Endpoint[Any], body: Any) -> tuple[bytes | Payload, str]:
        """The request body's bytes (a file streamed as a `Payload`) and media type."""
        mode, content_type = endpoint.body, endpoint.content_type
        if mode == "form":
            return form_body(body), content_type
        if mode == "multipart":
            boundary = uuid.uuid4().hex
            return multipart_body(body, boundary), f"{content_type}; boundary={boundary}"
        if mode == "binary":
            if "*" in content_type:  # a range such as `*/*` or `image/*` is no media type
                content_type = "application/octet-stream"
            return content_of(body), content_type
        if mode == "text":
            if not isinstance(body, str):
                raise TypeError(f"a text body must be a str, not {type(body).__name__}")
            return body.encode("utf-8"), content_type
        if mode == "json":
            payload = _rt.to_json_value(body)
        else:
            payload = _rt.request_body(body, partial=mode == "patch")
        self._check(endpoint, payload, request=True)
        try:
            text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
        except (ValueError, RecursionError) as exc:  # NaN or Infinity; a cycle
            raise InvalidRequestError(f"the body of {endpoint.name} is not JSON: {exc}") from None
        return text.encode(), content_type

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

    def decode(self, endpoint: Endpoint[T], data: Any, url: httpx.URL, *, check: bool = True) -> T:
        """The answer (or one item of a page) as ``T``; strict mode checks it first unless
        ``check`` is false."""
        assert endpoint.decode is not None
        try:
            if check:
                self._check(endpoint, data, request=False)
            return endpoint.decode(data)
        except RecursionError:
            raise ResponseDecodeError(
                f"the answer from {url.copy_with(query=None)} nests too deep to read"
            ) from None
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
