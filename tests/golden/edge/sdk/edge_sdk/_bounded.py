"""Reads on the network cut to what is left of a try's time (issue 18).

httpcore gives each read on a connection the read timeout of its phase (the whole head,
then the whole body), so a server sending its status line and headers a byte a second
never trips it. `bound_reads` wraps the network backends of an httpx client's connection
pools so that each read waits at most the time left to the try being received
(`READ_LIMIT`, set by `_transport` around each try), and none once that time is spent.
Outside a try of this SDK (``READ_LIMIT`` unset) the wrappers change nothing, so a
caller's own httpx client keeps working as before for its other requests.

Imported when a client is created, not with the package: httpx loads httpcore then too.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from ._transport import READ_LIMIT


def _wait(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left; raises httpcore.ReadTimeout when none is left."""
    limit = READ_LIMIT.get()
    left = None if limit is None else limit.left()
    if left is None:
        return timeout
    if left <= 0:
        raise httpcore.ReadTimeout("the time for the answer ran out")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _wait(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, timeout)

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self.stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self.backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self.backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self.stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.stream.read(max_bytes, _wait(timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.stream.start_tls(ssl_context, server_hostname, timeout)
        return _AsyncStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self.backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.backend.connect_unix_socket(path, timeout, socket_options)
        return _AsyncStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


def bound_reads(http: httpx.Client | httpx.AsyncClient) -> None:
    """Wrap the network backend of each connection pool of ``http`` (its transport and
    its proxy mounts) so reads honour `READ_LIMIT`. httpx does not expose the pools, so this
    looks for httpx's own transports (`HTTPTransport`, with or without a proxy) and leaves
    anything else (a custom transport) as it is: bounded per read only, by httpcore. One of
    httpx's own transports whose pool it cannot find (another httpx version) is logged as a
    warning, never skipped in silence."""
    transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
    for transport in transports:
        if transport is None:
            continue  # a mount that disables a proxy for some URLs
        pool: Any = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, (_Backend, _AsyncBackend)):
            continue  # already bounded (one httpx client shared by two SDK clients)
        if isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _Backend(backend)
        elif isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _AsyncBackend(backend)
        elif isinstance(transport, (httpx.HTTPTransport, httpx.AsyncHTTPTransport)):
            logging.getLogger(__name__.rsplit(".", 1)[0]).warning(
                "cannot bound the reads of %s (httpx %s keeps its connection pool elsewhere): "
                "an answer's head is bounded per read only, not by the call's timeout",
                type(transport).__name__,
                httpx.__version__,
            )
