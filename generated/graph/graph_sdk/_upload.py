"""Binary bodies sent from files, and large files sent to an upload session in chunks.

- `Payload`: a binary file object or a path sent as a request body piece by piece as it is
  read, so a file is never held in memory whole. A retry or a 307/308 redirect sends it
  again from where it started (a path is reopened, a file object sought back); a file
  that cannot seek is sent once.
- `upload_sync` and `upload_async` (`Client.upload_large_file` and its async twin): a file
  sent to an upload session's `uploadUrl` (Graph's `createUploadSession`) in chunks that are
  multiples of 320 KiB, each a `PUT` with `Content-Range` and no credentials (the URL is
  pre-authenticated, and Graph refuses a token there), following `nextExpectedRanges`. A
  chunk that fails (connection lost, 5xx, 416) is tried again within the client's
  RetryPolicy after asking the session where to go on (`GET uploadUrl`); calling the
  helper again with the same session URL resumes the same way. `_Session` makes every
  decision without I/O, so both clients keep the same rules by construction.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from os import SEEK_END, PathLike, fspath, stat
from typing import IO, TYPE_CHECKING, Any, TypeAlias

import httpx

# `_endpoint` imports this module: its names are looked up when used, not at import.
from . import _endpoint
from . import _runtime as _rt
from .errors import ApiError, ResponseDecodeError, ServerError, TransportError

if TYPE_CHECKING:
    from ._transport import AsyncTransport, SyncTransport

# What a binary body may be given as: its bytes, a file opened in binary mode, or a path.
BinaryBody: TypeAlias = bytes | IO[bytes] | PathLike[str]
# Called after each chunk the service accepted: (bytes it holds so far, total bytes).
Progress: TypeAlias = Callable[[int, int], None]
# An upload session: its `uploadUrl`, or what `createUploadSession` answered (the model or
# its JSON mapping), whose `nextExpectedRanges` then say where to start.
UploadTarget: TypeAlias = str | Mapping[str, Any] | _rt.Model

CHUNK_UNIT = 327_680  # 320 KiB: Graph needs every chunk but the last to be a multiple of it
DEFAULT_CHUNK_SIZE = 16 * CHUNK_UNIT  # 5 MiB
MAX_CHUNK_SIZE = 192 * CHUNK_UNIT  # 60 MiB, Graph's limit per request
_PIECE = 64 * 1024  # how much of a file is read at a time when it is streamed
# "start-end", "start-", or "start" alone (Outlook attachment sessions).
_RANGE = re.compile(r"(\d+)(?:-(\d*))?\Z", re.ASCII)
_NO_CREDENTIALS: tuple[tuple[str, ...], ...] = ((),)  # security requirements: send none
# Failures after which a chunk is tried again, once the session says where to go on.
_AGAIN_STATUSES = frozenset({416})
SdkErrorLike: TypeAlias = ApiError | TransportError


def content_of(body: Any) -> bytes | Payload:
    """A binary body as it is sent: bytes as they are, a file object or a path streamed."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, PathLike) or callable(getattr(body, "read", None)):
        return Payload(body)
    hint = " (a path must be a pathlib.Path)" if isinstance(body, str) else ""
    raise TypeError(
        f"a binary body must be bytes, a file opened in binary mode or a path, "
        f"not {type(body).__name__}{hint}"
    )


def _pieces(file: IO[bytes], limit: int | None = None) -> Iterator[bytes]:
    """A binary file's bytes from where it stands, ``_PIECE`` at a time (``limit`` bytes
    at most); a file opened in text mode is refused."""
    left = limit
    while left is None or left > 0:
        data = file.read(_PIECE if left is None else min(_PIECE, left))
        if not isinstance(data, bytes):
            raise TypeError("a binary body must be a file opened in binary mode ('rb')")
        if not data:
            return
        if left is not None:
            left -= len(data)
        yield data


def _span(file: IO[bytes]) -> tuple[int | None, int | None]:
    """(where a file stands, how many bytes are left), or (None, None) if it cannot seek."""
    try:
        if not file.seekable():
            return None, None
        start = file.tell()
        end = file.seek(0, SEEK_END)
        file.seek(start)
    except (AttributeError, OSError, ValueError):
        return None, None
    return start, end - start


class Payload:
    """A request body read from a file as it is sent (see the module docstring);
    ``size`` is its length when known, sent as `Content-Length`."""

    def __init__(self, source: IO[bytes] | PathLike[str]) -> None:
        self._path: str | None = None
        self._file: IO[bytes] | None = None
        self._start: int | None = None
        self._sent = False
        if isinstance(source, PathLike):
            self._path = fspath(source)
            self.size: int | None = stat(self._path).st_size
        else:
            if isinstance(source, io.TextIOBase):  # refused before anything is sent
                raise TypeError("a binary body must be a file opened in binary mode ('rb')")
            self._file = source
            self._start, self.size = _span(source)

    def chunks(self) -> Iterator[bytes]:
        """The body from its start: a fresh iterator for each request sent."""
        if self._path is not None:
            with open(self._path, "rb") as file:
                yield from _pieces(file)
            return
        assert self._file is not None
        if self._start is not None:
            self._file.seek(self._start)
        elif self._sent:
            raise TransportError(
                "a file that cannot seek is sent once: it cannot be sent again for a retry "
                "or a redirect (pass its bytes or a path instead)"
            )
        self._sent = True
        yield from _pieces(self._file, self.size)

    async def achunks(self) -> AsyncIterator[bytes]:
        """`chunks` for an `httpx.AsyncClient` (the file is read in small blocking pieces)."""
        for piece in self.chunks():
            yield piece


class _Reader:
    """Random access to an upload's source: bytes, a path (opened once) or a seekable file."""

    def __init__(self, source: BinaryBody) -> None:
        self._data: bytes | None = None
        self._file: IO[bytes] | None = None
        self._owned = False
        self._start = 0
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._data = bytes(source)
            self.total = len(self._data)
            return
        if isinstance(source, PathLike):
            self._file, self._owned = open(fspath(source), "rb"), True  # noqa: SIM115
        elif callable(getattr(source, "read", None)) and not isinstance(source, io.TextIOBase):
            self._file = source
        else:
            raise TypeError(
                "an upload's source must be bytes, a file opened in binary mode or a path, "
                f"not {type(source).__name__}"
            )
        start, size = _span(self._file)
        if start is None or size is None:
            self.close()
            raise ValueError("an upload session needs a source that can seek (to resume)")
        self._start, self.total = start, size

    def read(self, offset: int, length: int) -> bytes:
        if self._data is not None:
            return self._data[offset : offset + length]
        assert self._file is not None
        self._file.seek(self._start + offset)
        data = b"".join(_pieces(self._file, length))
        if len(data) != length:
            raise ValueError("the upload's source changed size while it was being sent")
        return data

    def close(self) -> None:
        if self._owned and self._file is not None:
            self._file.close()


def check_chunk_size(chunk_size: int) -> None:
    """Graph takes chunks of a multiple of 320 KiB (327,680 bytes), 60 MiB at most."""
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or chunk_size <= 0
        or chunk_size % CHUNK_UNIT
        or chunk_size > MAX_CHUNK_SIZE
    ):
        raise ValueError(
            f"chunk_size must be a multiple of 320 KiB ({CHUNK_UNIT:,} bytes) up to 60 MiB "
            f"({MAX_CHUNK_SIZE:,}), got {chunk_size!r}"
        )


def _session_fields(target: UploadTarget) -> tuple[str, Any]:
    """(uploadUrl, nextExpectedRanges or None) of what was given as the session."""
    if isinstance(target, str):
        return target, None
    data = target.to_dict() if isinstance(target, _rt.Model) else target
    url = data.get("uploadUrl") if isinstance(data, Mapping) else None
    if not isinstance(url, str) or not url:
        raise ValueError(
            "the upload session has no uploadUrl: pass the URL or what createUploadSession returned"
        )
    return url, data.get("nextExpectedRanges")


class _Session:
    """One upload to a session, as decisions without I/O (see the module docstring)."""

    def __init__(
        self,
        transport: SyncTransport | AsyncTransport,
        target: UploadTarget,
        source: BinaryBody,
        chunk_size: int,
        on_progress: Progress | None,
        decode: _rt.Kind,
    ) -> None:
        check_chunk_size(chunk_size)
        url, ranges = _session_fields(target)
        self.transport = transport
        self.url = transport.core.calls.base_url.join(url)
        self.chunk_size = chunk_size
        self.on_progress = on_progress
        self.decode = decode
        self.reader = _Reader(source)
        if self.reader.total == 0:
            self.reader.close()
            raise ValueError(
                "an upload session needs at least one byte (upload an empty file whole)"
            )
        # Where the next chunk starts and where the range the service expects ends; None
        # until the session says (a bare URL may be a session already under way).
        self.next: tuple[int, int | None] | None = None
        if ranges is not None:
            self.next = self._first_range(ranges)
        self.failures = 0
        self.waited = 0.0
        self.done = False

    def _first_range(self, ranges: Any) -> tuple[int, int | None] | None:
        """The first of ``nextExpectedRanges`` ("start-end", "start-" or "start"); None
        when empty."""
        if not isinstance(ranges, list) or not all(isinstance(r, str) for r in ranges):
            raise ResponseDecodeError(
                f"the upload session at {self.where} gave nextExpectedRanges {ranges!r}, "
                "not a list of byte ranges"
            )
        if not ranges:
            return None
        match = _RANGE.match(ranges[0].strip())
        if match is None:
            raise ResponseDecodeError(
                f"the upload session at {self.where} gave the range {ranges[0]!r}, not start-end"
            )
        start, end = int(match[1]), int(match[2]) if match[2] else None
        if start >= self.reader.total:
            raise ResponseDecodeError(
                f"the upload session at {self.where} expects bytes from {start}, but the file "
                f"has {self.reader.total}"
            )
        return start, end

    @property
    def where(self) -> str:
        return str(self.url.copy_with(query=None, fragment=None))

    def chunk(self) -> tuple[bytes, dict[str, str]]:
        """The next chunk's bytes and headers."""
        assert self.next is not None
        start, end = self.next
        stop = min(start + self.chunk_size, self.reader.total)
        if end is not None:
            stop = min(stop, end + 1)
        data = self.reader.read(start, stop - start)
        total = self.reader.total
        return data, {"Content-Range": f"bytes {start}-{stop - 1}/{total}"}

    def status(self, response: httpx.Response) -> None:
        """What `GET uploadUrl` said: where the service expects the next bytes."""
        data = _endpoint.json_of(response)
        ranges = data.get("nextExpectedRanges", []) if isinstance(data, Mapping) else data
        self.next = self._first_range(ranges)
        if self.next is None:
            self.done = True  # the service holds every byte; it gave no item to return

    def accepted(self, response: httpx.Response) -> bool:
        """True when the upload is over: the last chunk was answered 200/201 (or 202 with
        no range left, a deferred commit). Otherwise moves to the next expected range."""
        self.failures, self.waited = 0, 0.0  # each chunk gets the RetryPolicy's tries anew
        if response.status_code != 202:
            self._progress(self.reader.total)
            return True
        data = _endpoint.json_of(response) if response.content else {}
        ranges = data.get("nextExpectedRanges", []) if isinstance(data, Mapping) else data
        self.next = self._first_range(ranges)
        self._progress(self.reader.total if self.next is None else self.next[0])
        return self.next is None

    def _progress(self, uploaded: int) -> None:
        if self.on_progress is not None:
            self.on_progress(uploaded, self.reader.total)

    def failed(self, exc: SdkErrorLike) -> float:
        """Seconds to wait before asking the session where to go on after ``exc``; raises
        ``exc`` when it is not worth another try or the RetryPolicy is spent."""
        retryable = isinstance(exc, (TransportError, ServerError)) or (
            isinstance(exc, ApiError) and exc.status in _AGAIN_STATUSES
        )
        if isinstance(exc, ResponseDecodeError) or not retryable:
            raise exc
        policy = self.transport.core.retry
        self.failures += 1
        if self.failures >= policy.max_attempts:
            raise exc
        retry_after = exc.retry_after if isinstance(exc, ApiError) else None
        delay = policy.delay(self.failures, retry_after)
        if self.waited + delay > policy.max_wait:
            raise exc
        self.waited += delay
        self.next = None  # ask the session where it stands before the next chunk
        return delay

    def result(self, response: httpx.Response | None) -> Any:
        """The item the last chunk's answer holds, decoded; None without one."""
        if response is None or response.status_code == 202 or not response.content:
            return None
        decoder = _rt.codec_of(self.decode)[0] or _rt.identity
        endpoint = _endpoint.Endpoint("upload_large_file", "PUT", self.where, decode=decoder)
        return self.transport.core.calls.decode(endpoint, _endpoint.json_of(response), self.url)


def upload_sync(
    transport: SyncTransport,
    target: UploadTarget,
    source: BinaryBody,
    chunk_size: int,
    on_progress: Progress | None,
    decode: _rt.Kind,
) -> Any:
    """`Client.upload_large_file`: send ``source`` to the session; the final item."""
    session = _Session(transport, target, source, chunk_size, on_progress, decode)
    try:
        while not session.done:
            try:
                if session.next is None:
                    session.status(_send(transport, "GET", session.url))
                    continue
                data, headers = session.chunk()
                response = _send(transport, "PUT", session.url, data, headers)
            except (ApiError, TransportError) as exc:
                time.sleep(session.failed(exc))
                continue
            if session.accepted(response):
                return session.result(response)
        return None
    finally:
        session.reader.close()


async def upload_async(
    transport: AsyncTransport,
    target: UploadTarget,
    source: BinaryBody,
    chunk_size: int,
    on_progress: Progress | None,
    decode: _rt.Kind,
) -> Any:
    """`AsyncClient.upload_large_file`: `upload_sync`, awaited."""
    session = _Session(transport, target, source, chunk_size, on_progress, decode)
    try:
        while not session.done:
            try:
                if session.next is None:
                    session.status(await _asend(transport, "GET", session.url))
                    continue
                data, headers = session.chunk()
                response = await _asend(transport, "PUT", session.url, data, headers)
            except (ApiError, TransportError) as exc:
                await asyncio.sleep(session.failed(exc))
                continue
            if session.accepted(response):
                return session.result(response)
        return None
    finally:
        session.reader.close()


def _send(
    transport: SyncTransport,
    method: str,
    url: httpx.URL,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    # The upload URL is pre-authenticated: no token, key or cookie goes there, whatever
    # its origin.
    return transport.send(
        method, url, content=data, headers=headers, security=_NO_CREDENTIALS, anonymous=True
    )


async def _asend(
    transport: AsyncTransport,
    method: str,
    url: httpx.URL,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    return await transport.send(
        method, url, content=data, headers=headers, security=_NO_CREDENTIALS, anonymous=True
    )
