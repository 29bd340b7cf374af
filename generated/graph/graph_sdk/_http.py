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
- `_paging`: list operations follow `@odata.nextLink` page by page.
- `errors`: the exceptions; the token is never part of a repr, a log record or a message.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import replace
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

import httpx

from . import _runtime as _rt
from ._auth import ApiKeySource, Scheme, TokenSource
from ._endpoint import Answer, BodyMode, Endpoint, FilePart, Location, Param, Requirements
from ._retry import DEFAULT_RETRY, RetryPolicy
from ._transport import AsyncTransport, SyncTransport, _Core

# What client.py reads from here: the decorators and invokers made here, and the settings
# and transports it builds a client from, made in their own modules.
__all__ = [
    "DEFAULT_RETRY",
    "ApiKeySource",
    "AsyncInvoker",
    "AsyncTransport",
    "FilePart",
    "RetryPolicy",
    "Scheme",
    "ServerTemplate",
    "SyncInvoker",
    "SyncTransport",
    "TokenSource",
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
]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

_PATH_SEGMENT = re.compile(r"\{([^{}/]+)\}")
_OWN_PARAMS = frozenset({"self", "body", "headers"})
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
    (besides ``body`` and ``headers``). Built on first call, so importing costs nothing."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.signature = inspect.signature(fn)
        self.names = tuple(n for n in self.signature.parameters if n not in _OWN_PARAMS)

    def bind(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], Any, Mapping[str, str] | None]:
        """(parameter values, body, extra headers); a wrong call raises TypeError just as
        calling the method itself would."""
        given = self.signature.bind(None, *args, **kwargs).arguments
        values = tuple(given.get(name, _rt.UNSET) for name in self.names)
        return values, given.get("body"), given.get("headers")


class _OperationBase:
    """What both kinds of operation share: the endpoint, the signature's names and docs.

    The decorated function is never run: its parameters and return type are the method's,
    its docstring the method's documentation, and the transport does the work.
    """

    def __init__(self, fn: Callable[..., Any], endpoint: Endpoint[Any]) -> None:
        self.endpoint = endpoint
        self.__wrapped__ = fn
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__doc__ = fn.__doc__
        self._signature: _Signature | None = None

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
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else _bound(obj, self)


class PagedOperation(_OperationBase, Generic[P, T]):
    """A list operation made from a signature: `Client` returns an iterator over every item
    (following `@odata.nextLink`), `AsyncClient` an async iterator."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: SyncInvoker, owner: type | None = None) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: AsyncInvoker, owner: type | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...
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
        body: type[_rt.Model] | _rt.Codec | BodyMode | None = None,
        content_type: str = "application/json",
        returns: _rt.Kind = None,
        answer: tuple[Answer, str] | None = None,
        checks: tuple[str | None, str | None] | None = None,
        security: Requirements | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], R]], Operation[P, R]]:
        params = _params(path, segments, (("query", query), ("header", header), ("cookie", cookie)))

        def make(fn: Callable[Concatenate[Any, P], R]) -> Operation[P, R]:
            endpoint = self.endpoint(fn, path, params, body, returns, checks, security)
            if answer is not None:
                endpoint = replace(
                    endpoint, decode=_rt.identity, answer=answer[0], accept=answer[1]
                )
            return Operation(fn, replace(endpoint, content_type=content_type))

        return make

    def paged(
        self,
        path: str,
        *,
        query: tuple[ParamEntry, ...] = (),
        header: tuple[ParamEntry, ...] = (),
        cookie: tuple[ParamEntry, ...] = (),
        segments: tuple[ParamEntry, ...] = (),
        returns: _rt.Kind = None,
        checks: tuple[None, str | None] | None = None,
        security: Requirements | None = None,
    ) -> Callable[[Callable[Concatenate[Any, P], Iterator[T]]], PagedOperation[P, T]]:
        params = _params(path, segments, (("query", query), ("header", header), ("cookie", cookie)))

        def make(fn: Callable[Concatenate[Any, P], Iterator[T]]) -> PagedOperation[P, T]:
            endpoint = self.endpoint(fn, path, params, None, returns, checks, security, paged=True)
            return PagedOperation(fn, endpoint)

        return make

    def endpoint(
        self,
        fn: Callable[..., Any],
        path: str,
        params: tuple[Param, ...],
        body: type[_rt.Model] | _rt.Codec | BodyMode | None,
        returns: _rt.Kind,
        checks: tuple[str | None, str | None] | None,
        security: Requirements | None,
        *,
        paged: bool = False,
    ) -> Endpoint[Any]:
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
    """Runs operations: binds a call's arguments and hands them to the transport."""

    _transport: SyncTransport | AsyncTransport

    def _invoke(self, op: _OperationBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        values, body, headers = op.bind(args, kwargs)
        if op.endpoint.paged:
            return self._transport.pages(op.endpoint, values, headers)
        return self._transport.call(op.endpoint, values, body, headers)


class SyncInvoker(_Invoker):
    """The base of `Client`: its operations return their results."""

    _transport: SyncTransport

    def stream(
        self, op: Operation[P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> AbstractContextManager[httpx.Response]:
        """Call ``op`` (as `Client.op`) and read its answer as it arrives:
        ``with client.stream(Client.get_file, "id") as response: response.iter_bytes()``.
        Errors, retries and redirects are handled as for any call; the body is closed
        when the block ends."""
        values, body, headers = op.bind(args, kwargs)
        return self._transport.stream(op.endpoint, values, body, headers)


class AsyncInvoker(_Invoker):
    """The base of `AsyncClient`: its operations return awaitables and async iterators."""

    _transport: AsyncTransport

    def stream(
        self, op: Operation[P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """`Client.stream` for `AsyncClient`: ``async with client.stream(...) as response``."""
        values, body, headers = op.bind(args, kwargs)
        return self._transport.stream(op.endpoint, values, body, headers)
