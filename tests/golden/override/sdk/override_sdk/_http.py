"""The operation decorators under `Client` and `AsyncClient`, and what ties the runtime together.

`client.py` writes each operation once, as a signature decorated with `@get(path, ...)`
(`@get.paged(...)` for a list) and so on per HTTP method; the decorator turns it into an
`Endpoint` and a method that `Client` calls and `AsyncClient` awaits, run by the client's
transport. The rest of the HTTP runtime sits in one module per concern, each keeping its
rules whatever the caller does:
- `_auth`: the token goes only to the base URL's origin, over https (or plain http to a
  loopback host); a redirect elsewhere is followed without `Authorization`.
- `_retry`: 429, 503 and 504, and connection failures before anything was sent, are
  retried a bounded number of times within a bounded total wait, honouring `Retry-After`.
- `_transport`: every request has a timeout and a `client-request-id` (the same on its
  retries and redirects), and its response body is read in full before it is returned.
- `_endpoint`: a call's arguments to a request, its answer to a value (strict mode checks).
- `_paging`: list operations follow `@odata.nextLink` page by page, within a bound.
- `_response`: an answer with its metadata (`ApiResponse`), a page (`Page`), delta rounds.
- `_upload`: files sent as binary bodies piece by piece, and large files sent to an upload
  session in 320 KiB chunks without credentials (`upload_large_file`).
- `errors`: the exceptions; the token is never part of a repr, a log record or a message.

Besides the plain call, `client.with_response.<op>(...)` returns an `ApiResponse` and
`client.pages.<list op>(...)` iterates `Page`s: both are views of the client (`SyncResponses`,
`SyncPages` and their async twins) that the same descriptors type and run.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import replace
from types import FunctionType
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Concatenate,
    Generic,
    Literal,
    ParamSpec,
    Self,
    TypeAlias,
    TypeVar,
    overload,
)

import httpx

from . import _runtime as _rt
from ._auth import ApiKeySource, Scheme, TokenSource
from ._endpoint import Answer, BodyMode, Endpoint, FilePart, Location, Param, Requirements
from ._paging import DEFAULT_MAX_PAGES
from ._retry import DEFAULT_RETRY, RetryPolicy
from ._transport import DEFAULT_MAX_RESPONSE_BYTES, AsyncTransport, SyncTransport, _Core
from ._upload import (
    DEFAULT_CHUNK_SIZE,
    BinaryBody,
    Progress,
    UploadTarget,
    upload_async,
    upload_sync,
)

if TYPE_CHECKING:
    from ._batch import AsyncBatch, Batch

# What client.py reads from here: the decorators and invokers made here, and the settings
# and transports it builds a client from, made in their own modules.
__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RETRY",
    "ApiKeySource",
    "AsyncInvoker",
    "AsyncPages",
    "AsyncResponses",
    "AsyncTransport",
    "BinaryBody",
    "FilePart",
    "Progress",
    "RetryPolicy",
    "Scheme",
    "ServerTemplate",
    "SyncInvoker",
    "SyncPages",
    "SyncResponses",
    "SyncTransport",
    "TokenSource",
    "UploadTarget",
    "_Core",
    "base_url_for",
    "delete",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "trace",
    "upload_async",
    "upload_sync",
]

if TYPE_CHECKING:  # the answers' types, loaded when a call asks for them
    from ._response import ApiResponse, AsyncDeltaIterator, DeltaIterator, Page

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

_PATH_SEGMENT = re.compile(r"\{([^{}/]+)\}")
_OWN_PARAMS = frozenset({"self", "body", "params", "headers", "delta_link", "content_type"})
# A parameter in a decorator: its name (sent in its place's default style), or
# (name, style, explode).
ParamEntry = str | tuple[str, str, bool]
# A server URL template and its variables: name -> (default or None, allowed values or ()).
ServerTemplate = tuple[str, Mapping[str, tuple[str | None, tuple[str, ...]]]]
_DEFAULT_STYLES: dict[Location, str] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}


def base_url_for(
    servers: tuple[ServerTemplate, ...], index: int, variables: Mapping[str, str] | None
) -> str:
    """The URL of the spec's server ``index`` with its `{variables}` filled in: the given
    values (each checked against the variable's allowed values), else the defaults."""
    if not 0 <= index < len(servers):
        raise ValueError(f"server must be 0 to {len(servers) - 1}, got {index}")
    template, declared = servers[index]
    given = dict(variables or {})
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValueError(f"unknown server variables {unknown}; known: {sorted(declared)}")
    url = template
    for name, (default, allowed) in declared.items():
        value = given.get(name, default)
        if value is None:
            raise ValueError(
                f"server variable {name!r} has no default: give it in server_variables"
            )
        if allowed and value not in allowed:
            raise ValueError(f"server variable {name!r} must be one of {list(allowed)}")
        url = url.replace("{" + name + "}", value)
    return url


def _params(
    path: str,
    segments: tuple[ParamEntry, ...],
    places: tuple[tuple[Location, tuple[ParamEntry, ...]], ...],
) -> tuple[Param, ...]:
    """The endpoint's parameters: the path's `{name}` segments in order (styled as
    ``segments`` says, else simple), then the query, header and cookie ones."""
    styled = {p[0]: p for p in segments if isinstance(p, tuple)}
    params = [_param("path", styled.get(name, name)) for name in _PATH_SEGMENT.findall(path)]
    for location, specs in places:
        params.extend(_param(location, spec) for spec in specs)
    return tuple(params)


def _param(location: Location, spec: ParamEntry) -> Param:
    if isinstance(spec, tuple):
        return Param(location, spec[0], spec[1], spec[2])
    style = _DEFAULT_STYLES[location]
    return Param(location, spec, style, style == "form")


class _Signature:
    """A method's parameters in the order `Endpoint` lists them: the positional ones are
    the path parameters, the keyword-only ones the query and then the header parameters
    (besides ``body``, ``params`` and ``headers``). Built on first call, so importing costs
    nothing."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.signature = inspect.signature(fn)
        self.names = tuple(n for n in self.signature.parameters if n not in _OWN_PARAMS)

    def bind(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], Any, Mapping[str, str] | None]:
        """(parameter values, body, extra headers); a wrong call raises TypeError just as
        calling the method itself would. The values end with ``params=`` (extra query
        parameters, or None), which `_endpoint.Calls.prepare` sends after the typed ones; a
        binary body's ``content_type`` is sent as its `Content-Type` header."""
        given = self.signature.bind(None, *args, **kwargs).arguments
        values = tuple(given.get(name, _rt.UNSET) for name in self.names)
        headers = given.get("headers")
        if given.get("content_type") is not None:
            headers = {**(headers or {}), "Content-Type": given["content_type"]}
        return (*values, given.get("params")), given.get("body"), headers


class _OperationBase:
    """What both kinds of operation share: the endpoint, the signature's names and docs.

    The decorated function is never run: its parameters and return type are the method's,
    its docstring the method's documentation, and the transport does the work.
    """

    def __init__(self, fn: Callable[..., Any], build: Callable[[], Endpoint[Any]]) -> None:
        self._build: Callable[[], Endpoint[Any]] | None = build
        self._endpoint: Endpoint[Any] | None = None
        self.__wrapped__ = fn
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__doc__ = fn.__doc__
        self._signature: _Signature | None = None

    @property
    def endpoint(self) -> Endpoint[Any]:
        """The operation as data, built on first use: it names the models of the body and
        the answer, and importing the client must not import every model."""
        if self._endpoint is None:
            assert self._build is not None
            self._endpoint, self._build = self._build(), None
        return self._endpoint

    def _parameters(self) -> _Signature:
        if self._signature is None:
            self._signature = _Signature(self.__wrapped__)
        return self._signature

    def signature(self) -> inspect.Signature:
        return self._parameters().signature

    def bind(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], Any, Mapping[str, str] | None]:
        return self._parameters().bind(args, kwargs)

    def __call__(self, client: Any, /, *args: Any, **kwargs: Any) -> Any:
        """``Client.name(client, ...)``, as with any method looked up on its class."""
        return _bound(client, self)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<operation {self.endpoint.method} {self.endpoint.path} ({self.__name__})>"


class Operation(_OperationBase, Generic[P, R]):
    """A client method made from a signature: `Client` calls it, `AsyncClient` awaits it."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: SyncInvoker, owner: type | None = None) -> Callable[P, R]: ...
    @overload
    def __get__(
        self, obj: AsyncInvoker, owner: type | None = None
    ) -> Callable[P, Awaitable[R]]: ...
    @overload
    def __get__(
        self, obj: SyncResponses, owner: type | None = None
    ) -> Callable[P, ApiResponse[R]]: ...
    @overload
    def __get__(
        self, obj: AsyncResponses, owner: type | None = None
    ) -> Callable[P, Awaitable[ApiResponse[R]]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if getattr(obj, "_returns", None) == "pages":
            # Not typed for `client.pages` either, so a type checker flags it first.
            raise AttributeError(f"{self.__name__} is not a list operation: it has no pages")
        return self if obj is None else _bound(obj, self)


class PagedOperation(_OperationBase, Generic[P, T]):
    """A list operation made from a signature: `Client` returns an iterator over every item
    (following `@odata.nextLink`), `AsyncClient` an async iterator; `client.pages` iterates
    the pages, `client.with_response` returns the first page with its metadata."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: SyncInvoker, owner: type | None = None) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: AsyncInvoker, owner: type | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...
    @overload
    def __get__(
        self, obj: SyncResponses, owner: type | None = None
    ) -> Callable[P, ApiResponse[list[T]]]: ...
    @overload
    def __get__(
        self, obj: AsyncResponses, owner: type | None = None
    ) -> Callable[P, Awaitable[ApiResponse[list[T]]]]: ...
    @overload
    def __get__(
        self, obj: SyncPages, owner: type | None = None
    ) -> Callable[P, Iterator[Page[T]]]: ...
    @overload
    def __get__(
        self, obj: AsyncPages, owner: type | None = None
    ) -> Callable[P, AsyncIterator[Page[T]]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else _bound(obj, self)


class DeltaOperation(PagedOperation[P, T]):
    """A delta function: listed as any list operation, but its flat call returns a
    `DeltaIterator` (``delta_link`` set once exhausted), and ``delta_link=`` resumes."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(
        self, obj: SyncInvoker, owner: type | None = None
    ) -> Callable[P, DeltaIterator[T]]: ...
    @overload
    def __get__(
        self, obj: AsyncInvoker, owner: type | None = None
    ) -> Callable[P, AsyncDeltaIterator[T]]: ...
    @overload
    def __get__(
        self, obj: SyncResponses, owner: type | None = None
    ) -> Callable[P, ApiResponse[list[T]]]: ...
    @overload
    def __get__(
        self, obj: AsyncResponses, owner: type | None = None
    ) -> Callable[P, Awaitable[ApiResponse[list[T]]]]: ...
    @overload
    def __get__(
        self, obj: SyncPages, owner: type | None = None
    ) -> Callable[P, Iterator[Page[T]]]: ...
    @overload
    def __get__(
        self, obj: AsyncPages, owner: type | None = None
    ) -> Callable[P, AsyncIterator[Page[T]]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else _bound(obj, self)


def _bound(client: object, op: _OperationBase) -> _BoundOperation:
    if not isinstance(client, _Invoker):
        raise TypeError(f"{op.__name__} is an operation of Client and AsyncClient only")
    return _BoundOperation(client, op)


class _BoundOperation:
    """An operation bound to a client, as a method is bound to its instance."""

    __slots__ = ("_client", "_op")

    def __init__(self, client: _Invoker, op: _OperationBase) -> None:
        self._client = client
        self._op = op

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client._invoke(self._op, args, kwargs)

    @property
    def __name__(self) -> str:
        return self._op.__name__

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self._op.__doc__

    @property
    def __signature__(self) -> inspect.Signature:
        """The method's signature without ``self`` (what `inspect.signature` shows)."""
        signature = self._op.signature()
        return signature.replace(parameters=list(signature.parameters.values())[1:])

    def __repr__(self) -> str:
        return f"<bound operation {self._op.__qualname__} of {self._client!r}>"


class _Method:
    """The decorators of one HTTP method: `@get(path, ...)` makes the decorated signature
    an operation, `@get.paged(path, ...)` a list operation whose pages are read in turn.

    ``query``, ``header`` and ``cookie`` name the parameters of each place (a name, or
    (name, style, explode) when not the place's default style); ``segments`` styles the
    path's parameters that are not simple. ``body`` is the request body's model class (sent
    whole without read-only fields, or for PATCH only what changed), `_rt.JSON` for any
    other JSON value, or "form", "multipart", "binary" or "text"; ``content_type`` is its
    media type. ``returns`` is the JSON answer's kind (`_rt.Kind`; of each item when
    paged), None when it has no body; ``answer`` is ("text" or "binary", media type) for
    an answer read as `str` or `bytes`. ``checks`` are strict mode's checks of the body
    and of the answer, by their keys in the validators; by default a model's own, by its
    class name. ``security`` is the operation's own requirements (default: the API's).
    """

    def __init__(self, method: str) -> None:
        self.method = method

    def __call__(
        self,
        path: str,
        *,
        query: tuple[ParamEntry, ...] = (),
        header: tuple[ParamEntry, ...] = (),
        cookie: tuple[ParamEntry, ...] = (),
        segments: tuple[ParamEntry, ...] = (),
        body: type[_rt.Model] | _rt.Codec | BodyMode | Deferred | None = None,
        content_type: str = "application/json",
        returns: _rt.Kind | Deferred = None,
        answer: tuple[Answer, str] | None = None,
        checks: tuple[str | None, str | None] | None = None,
        security: Requirements | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], R]], Operation[P, R]]:
        params = _params(path, segments, (("query", query), ("header", header), ("cookie", cookie)))

        def make(fn: Callable[Concatenate[Any, P], R]) -> Operation[P, R]:
            def build() -> Endpoint[Any]:
                endpoint = self.endpoint(fn, path, params, body, returns, checks, security)
                if answer is not None:
                    endpoint = replace(
                        endpoint, decode=_rt.identity, answer=answer[0], accept=answer[1]
                    )
                return replace(endpoint, content_type=content_type)

            return Operation(fn, build)

        return make

    def paged(
        self,
        path: str,
        *,
        query: tuple[ParamEntry, ...] = (),
        header: tuple[ParamEntry, ...] = (),
        cookie: tuple[ParamEntry, ...] = (),
        segments: tuple[ParamEntry, ...] = (),
        returns: _rt.Kind | Deferred = None,
        checks: tuple[None, str | None] | None = None,
        security: Requirements | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], Iterator[T]]], PagedOperation[P, T]]:
        params = _params(path, segments, (("query", query), ("header", header), ("cookie", cookie)))

        def make(fn: Callable[Concatenate[Any, P], Iterator[T]]) -> PagedOperation[P, T]:
            return PagedOperation(
                fn,
                lambda: self.endpoint(
                    fn, path, params, None, returns, checks, security, paged=True
                ),
            )

        return make

    def delta(
        self,
        path: str,
        *,
        query: tuple[ParamEntry, ...] = (),
        header: tuple[ParamEntry, ...] = (),
        cookie: tuple[ParamEntry, ...] = (),
        segments: tuple[ParamEntry, ...] = (),
        returns: _rt.Kind | Deferred = None,
        checks: tuple[None, str | None] | None = None,
        security: Requirements | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], Iterator[T]]], DeltaOperation[P, T]]:
        """`paged` for a delta function; the signature takes ``delta_link: str | None``."""
        listed = self.paged(
            path,
            query=query,
            header=header,
            cookie=cookie,
            segments=segments,
            returns=returns,
            checks=checks,
            security=security,
        )

        def make(fn: Callable[Concatenate[Any, P], Iterator[T]]) -> DeltaOperation[P, T]:
            listing = listed(fn)
            return DeltaOperation(fn, lambda: replace(listing.endpoint, delta=True))

        return make

    def endpoint(
        self,
        fn: Callable[..., Any],
        path: str,
        params: tuple[Param, ...],
        deferred_body: type[_rt.Model] | _rt.Codec | BodyMode | Deferred | None,
        deferred_returns: _rt.Kind | Deferred,
        checks: tuple[str | None, str | None] | None,
        security: Requirements | None,
        *,
        paged: bool = False,
    ) -> Endpoint[Any]:
        body: type[_rt.Model] | _rt.Codec | BodyMode | None = _resolved(deferred_body)
        returns: _rt.Kind = _resolved(deferred_returns)
        mode: BodyMode | None = None
        if isinstance(body, str):
            mode = body
        elif isinstance(body, _rt.Codec):
            mode = "json"
        elif body is not None:
            mode = "patch" if self.method == "PATCH" else "full"
        return Endpoint(
            fn.__name__,
            self.method,
            path,
            params,
            mode,
            None if returns is None else _rt.codec_of(returns)[0],
            paged,
            checks if checks is not None else (_model_key(body), _model_key(returns)),
            security=security,
        )


# A model class given as a function that returns it (`lambda: _m.User`): the generated
# client names models so, and they are imported when the operation is first used.
Deferred: TypeAlias = Callable[[], type[_rt.Model] | _rt.Codec]


def _resolved(value: Any) -> Any:
    """A `Deferred` called; anything else (a class, a codec, a body mode) as it is."""
    return value() if isinstance(value, FunctionType) else value


def _model_key(kind: Any) -> str | None:
    """A model's own check key in the validators: its class name."""
    is_model = isinstance(kind, type) and issubclass(kind, _rt.Model)
    return kind.__name__ if is_model else None


get = _Method("GET")
put = _Method("PUT")
post = _Method("POST")
delete = _Method("DELETE")
options = _Method("OPTIONS")
head = _Method("HEAD")
patch = _Method("PATCH")
trace = _Method("TRACE")


class _Invoker:
    """Runs operations: binds a call's arguments and hands them to the transport, which
    answers with the value (a client), the value with its metadata (``with_response``) or
    the pages (``pages``)."""

    _transport: SyncTransport | AsyncTransport
    _returns: ClassVar[Literal["value", "response", "pages"]] = "value"

    def _invoke(self, op: _OperationBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        endpoint, transport = op.endpoint, self._transport
        # Not a parameter of the request: where a delta round resumes.
        delta_link = kwargs.pop("delta_link", None) if endpoint.delta else None
        values, body, headers = op.bind(args, kwargs)
        if self._returns == "response":
            if endpoint.paged:
                return transport.first_page(endpoint, values, headers, delta_link)
            return transport.call_with_response(endpoint, values, body, headers)
        if endpoint.paged:
            run = transport.each_page if self._returns == "pages" else transport.pages
            return run(endpoint, values, headers, delta_link)
        return transport.call(endpoint, values, body, headers)


class _View(_Invoker):
    """A client's operations answering otherwise: through the client's own transport."""

    def __init__(self, client: _Invoker) -> None:
        self._client = client
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class SyncResponses(_View):
    """`Client.with_response`: each operation returns an `ApiResponse` (a list operation,
    its first page)."""

    _transport: SyncTransport
    _returns = "response"


class AsyncResponses(_View):
    """`AsyncClient.with_response`: each operation awaits to an `ApiResponse`."""

    _transport: AsyncTransport
    _returns = "response"


class SyncPages(_View):
    """`Client.pages`: each list operation yields its `Page`s."""

    _transport: SyncTransport
    _returns = "pages"


class AsyncPages(_View):
    """`AsyncClient.pages`: each list operation is an async iterator of its `Page`s."""

    _transport: AsyncTransport
    _returns = "pages"


class SyncInvoker(_Invoker):
    """The base of `Client`: its operations return their results."""

    _transport: SyncTransport

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = _rt.UNSET,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request the spec does not describe, under the rules of every operation:
        ``client.request("GET", "/me/drive/root/children", params={"$top": "5"})``.

        ``path`` is relative to the base URL (or an absolute URL of the base URL's origin,
        such as an ``@odata.nextLink``; any other URL is a ValueError); ``params`` are
        added to its query; ``json`` is sent as a JSON body, else ``content`` as bytes.
        The token, retries, redirects and errors (an ApiError for a 4xx/5xx answer) are
        those of the operations; the answer's body is read in full."""
        url, body, extra = self._transport.core.calls.raw(
            method, path, params, json, content, headers
        )
        return self._transport.send(method.upper(), url, content=body, headers=extra)

    def stream(
        self, op: Operation[P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> AbstractContextManager[httpx.Response]:
        """Call ``op`` (as `Client.op`) and read its answer as it arrives:
        ``with client.stream(Client.get_file, "id") as response: response.iter_bytes()``.
        Errors, retries and redirects are handled as for any call; the body is closed
        when the block ends."""
        values, body, headers = op.bind(args, kwargs)
        return self._transport.stream(op.endpoint, values, body, headers)

    def batch(self) -> Batch:
        """Calls sent together in Graph JSON batches (`POST {base_url}/$batch`):
        ``with client.batch() as b: item = b.add(Client.get_x, "id")``, then
        ``item.result()``; see `_batch`."""
        from ._batch import Batch

        return Batch(self._transport)


class AsyncInvoker(_Invoker):
    """The base of `AsyncClient`: its operations return awaitables and async iterators."""

    _transport: AsyncTransport

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = _rt.UNSET,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """`Client.request` for `AsyncClient`: ``await client.request("GET", path)``."""
        url, body, extra = self._transport.core.calls.raw(
            method, path, params, json, content, headers
        )
        return await self._transport.send(method.upper(), url, content=body, headers=extra)

    def stream(
        self, op: Operation[P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """`Client.stream` for `AsyncClient`: ``async with client.stream(...) as response``."""
        values, body, headers = op.bind(args, kwargs)
        return self._transport.stream(op.endpoint, values, body, headers)

    def batch(self) -> AsyncBatch:
        """`Client.batch` for `AsyncClient`: ``async with client.batch() as b: ...``."""
        from ._batch import AsyncBatch

        return AsyncBatch(self._transport)
