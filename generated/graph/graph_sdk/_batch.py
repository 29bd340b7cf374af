"""JSON batching: several calls in one `POST {base_url}/$batch`, each with its own result.

``with client.batch() as batch:`` collects calls of generated operations, each made with the
operation's normal arguments (``batch.add(Client.get_user, "id")``), and sends them when the
block ends, in Graph's JSON batch format: ``{"requests": [{"id", "method", "url", "headers",
"body", "dependsOn"}]}`` with URLs relative to the base URL. Each call's answer is decoded
as the operation's own would be (the same decoders, strict mode's checks, the same ApiError
subclasses for an error status), and read from its `BatchItem` (``item.result()``).

- ``batch.after(first).add(...)`` sends a call only once ``first`` is done (``dependsOn``).
- Graph takes at most `MAX_REQUESTS` (20) requests in a batch. More are sent as several
  batches, one after the other: calls tied by ``after`` always share one, and a group of
  more than 20 tied calls is a `BatchError` before anything is sent. Calls in a batch have
  no order unless ``after`` gives one, so splitting changes nothing they could rely on.
- An item answered 429, 503 or 504 (with its own ``Retry-After``) is sent again in a new
  batch of only such items (and of the items that waited for them), within the client's
  `RetryPolicy`; the `$batch` request itself follows the client's usual rules (retries,
  redirects, errors raised from ``send``).
- What Graph's JSON batching cannot carry faithfully is refused with a `BatchError` when
  added: list operations (their later pages), streams, form, multipart, binary and text
  bodies, text and binary answers, and a call whose URL or credentials are not the
  client's own.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Generic, ParamSpec, Self, TypeVar

import httpx

from ._endpoint import Endpoint, json_of, where
from ._http import Operation, _OperationBase
from ._retry import parse_retry_after
from ._transport import AsyncTransport, SyncTransport, _Core
from .errors import ApiError, ResponseDecodeError, SdkError, error_for_status

__all__ = ["MAX_REQUESTS", "AsyncBatch", "Batch", "BatchError", "BatchItem"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

MAX_REQUESTS = 20
"""Graph's limit on the requests of one `$batch` call."""

_JSON_BODIES = frozenset({"patch", "full", "json"})
_JSON = {"Content-Type": "application/json"}


class BatchError(SdkError):
    """A batch used in a way Graph's JSON batching cannot carry out faithfully: a call it
    cannot hold, more than 20 calls tied together, a result read before the batch was sent."""


class _Pending:
    """Marks a result not known yet."""


_PENDING = _Pending()


class BatchItem(Generic[T]):
    """One call in a batch; once the batch is sent, its answer.

    ``result()`` returns the decoded value (None for an operation without an answer body)
    or raises what the call alone would have raised: the ApiError subclass for its status
    (with the item's own error body and headers), ResponseDecodeError or, in strict mode,
    ResponseValidationError. ``status`` and ``headers`` are the item's own answer's.
    """

    __slots__ = ("_outcome", "depends_on", "endpoint", "headers", "id", "status", "url", "wire")

    def __init__(
        self,
        item_id: str,
        endpoint: Endpoint[T],
        url: httpx.URL,
        wire: dict[str, Any],
        depends_on: tuple[BatchItem[Any], ...],
    ) -> None:
        self.id = item_id
        self.endpoint = endpoint
        self.url = url  # absolute, for messages and error details
        self.wire = wire  # the request as Graph reads it, without id and dependsOn
        self.depends_on = depends_on
        self.status: int | None = None
        self.headers = httpx.Headers()
        self._outcome: T | SdkError | _Pending = _PENDING

    @property
    def done(self) -> bool:
        """Whether the item has its answer (a value or an error)."""
        return not isinstance(self._outcome, _Pending)

    def result(self) -> T:
        """The call's decoded answer; raises the call's error, or BatchError if the batch
        has not been sent (or its `$batch` request failed)."""
        outcome = self._outcome
        if isinstance(outcome, _Pending):
            raise BatchError(
                f"request {self.id} ({self.endpoint.name}) has no answer: "
                "its batch was not sent, or sending it failed"
            )
        if isinstance(outcome, SdkError):
            raise outcome
        return outcome

    def _settle(self, outcome: T | SdkError | _Pending) -> None:
        self._outcome = outcome

    def __repr__(self) -> str:
        state = "pending" if self.status is None else f"status {self.status}"
        return f"<BatchItem {self.id} {where(self.endpoint.method, self.url)} ({state})>"


class _Queue:
    """The calls of one batch and every decision about them, without I/O (shared by
    `Batch` and `AsyncBatch`, as `_Exchange` is by the transports)."""

    def __init__(self, core: _Core) -> None:
        self.core = core
        self.items: list[BatchItem[Any]] = []
        self.sent = False

    def add(
        self,
        op: Operation[Any, T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        depends_on: tuple[BatchItem[Any], ...],
    ) -> BatchItem[T]:
        if self.sent:
            raise BatchError("this batch was sent already: start a new one with client.batch()")
        if not isinstance(op, _OperationBase):
            raise BatchError(
                f"batch.add takes an operation as Client.<name> (or AsyncClient.<name>), "
                f"not {type(op).__name__}"
            )
        endpoint: Endpoint[T] = op.endpoint
        self._check_endpoint(endpoint)
        for dependency in depends_on:
            if not any(dependency is item for item in self.items):
                raise BatchError(f"after() takes items of this batch, not {dependency!r}")
        values, body, headers = op.bind(args, kwargs)
        url, content, extra = self.core.calls.prepare(endpoint, values, body, headers)
        if content is not None and not isinstance(content, bytes):
            # A file body (a `Payload`, read as it is sent) has no place in a JSON batch.
            raise BatchError(f"{endpoint.name} cannot go in a batch: its body is a file")
        item = BatchItem(
            str(len(self.items) + 1),
            endpoint,
            url,
            self._wire(endpoint, url, content, extra),
            depends_on,
        )
        self.items.append(item)
        return item

    def _check_endpoint(self, endpoint: Endpoint[Any]) -> None:
        """Refuse what a JSON batch cannot carry, naming the operation and the reason."""
        why = None
        if endpoint.paged:
            why = "it is a list operation (a batch answers only its first page)"
        elif endpoint.body is not None and endpoint.body not in _JSON_BODIES:
            why = f"its body is {endpoint.body} (a batch carries JSON bodies only)"
        elif endpoint.decode is not None and endpoint.answer != "json":
            why = f"its answer is {endpoint.answer} (a batch carries JSON answers only)"
        else:
            auth = self.core.auth
            own = auth.plan(endpoint.security)
            if own and own != auth.plan(None):
                why = "it needs other credentials than the batch request carries"
        if why is not None:
            raise BatchError(f"{endpoint.name} cannot go in a batch: {why}")

    def _wire(
        self,
        endpoint: Endpoint[Any],
        url: httpx.URL,
        content: bytes | None,
        extra: Mapping[str, str],
    ) -> dict[str, Any]:
        """One request as Graph's batch holds it: URL relative to the base URL, headers
        (the client's own first, without credentials: those go once, on `$batch`) and
        the JSON body as a value, its Content-Type among the headers."""
        base = self.core.base_url
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        if not same_origin or not url.raw_path.startswith(base.raw_path):
            raise BatchError(
                f"{endpoint.name} cannot go in a batch: {where(endpoint.method, url)} "
                f"is not under the base URL {base}"
            )
        by_name: dict[str, tuple[str, str]] = {}  # lower-case name -> (name, value); last wins
        for name, value in [*self.core.headers.items(), *extra.items()]:
            if name.lower() != "authorization":
                by_name[name.lower()] = (name, value)
        headers = dict(by_name.values())
        wire: dict[str, Any] = {
            "method": endpoint.method,
            "url": "/" + url.raw_path[len(base.raw_path) :].decode("ascii"),
        }
        if content is not None:
            wire["body"] = json.loads(content)
        if headers:
            wire["headers"] = headers
        return wire

    def chunks(self) -> list[list[BatchItem[Any]]]:
        """The `$batch` requests to send, at most 20 items each: items tied by ``after``
        (directly or not) in the same one, groups kept in the order they were added.
        A batch is sent once: calling this again is a BatchError."""
        if self.sent:
            raise BatchError("this batch was sent already: start a new one with client.batch()")
        self.sent = True
        # Union-find over the items' positions: one group per set of tied items.
        parent = list(range(len(self.items)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]  # halve the path for the next look-up
                i = parent[i]
            return i

        for position, item in enumerate(self.items):
            for dependency in item.depends_on:
                parent[root(int(dependency.id) - 1)] = root(position)
        groups: dict[int, list[BatchItem[Any]]] = {}
        for position, item in enumerate(self.items):
            groups.setdefault(root(position), []).append(item)
        chunks: list[list[BatchItem[Any]]] = []
        for members in sorted(groups.values(), key=lambda g: int(g[0].id)):
            if len(members) > MAX_REQUESTS:
                raise BatchError(
                    f"{len(members)} requests are tied together by after() (requests "
                    f"{members[0].id} to {members[-1].id}): a batch holds at most "
                    f"{MAX_REQUESTS}, and dependsOn cannot reach into another batch"
                )
            if not chunks or len(chunks[-1]) + len(members) > MAX_REQUESTS:
                chunks.append([])
            chunks[-1].extend(members)
        return chunks


class _Rounds:
    """One `$batch` request and its retries of throttled items, without I/O."""

    def __init__(self, core: _Core, items: list[BatchItem[Any]]) -> None:
        self.core = core
        self.pending = items
        self.attempt = 0
        self.waited = 0.0
        self.url = core.calls.url_for("$batch")

    def content(self) -> bytes:
        """The next `$batch` body: the pending items, with their dependencies among them."""
        self.attempt += 1
        ids = {item.id for item in self.pending}
        requests = []
        for item in self.pending:
            request: dict[str, Any] = {"id": item.id, **item.wire}
            depends_on = [d.id for d in item.depends_on if d.id in ids]
            if depends_on:
                request["dependsOn"] = depends_on
            requests.append(request)
        return json.dumps({"requests": requests}, separators=(",", ":")).encode()

    def answered(self, response: httpx.Response) -> float | None:
        """Settle each pending item from the answer; seconds to wait before sending the
        throttled ones again, or None when done."""
        answers = _answers(response)
        for item in self.pending:
            answer = answers.get(item.id)
            if answer is None:
                item._settle(
                    ResponseDecodeError(
                        f"the $batch answer has no response for request {item.id} "
                        f"({where(item.endpoint.method, item.url)})"
                    )
                )
            else:
                self._settle(item, *answer)
        return self._retry()

    def _settle(self, item: BatchItem[Any], status: int, headers: httpx.Headers, body: Any) -> None:
        item.status = status
        item.headers = headers
        calls = self.core.calls
        if not 200 <= status < 300:
            content = b"" if body is None else json.dumps(body).encode()
            item._settle(self._error(item, status, headers, content))
        elif item.endpoint.decode is None:
            item._settle(None)
        elif body is None:
            item._settle(
                ResponseDecodeError(
                    f"{status} response to {where(item.endpoint.method, item.url)} "
                    "in the batch has no body"
                )
            )
        else:
            try:
                item._settle(calls.decode(item.endpoint, body, item.url))
            except SdkError as exc:
                item._settle(exc)

    def _error(
        self, item: BatchItem[Any], status: int, headers: httpx.Headers, content: bytes
    ) -> ApiError:
        return error_for_status(
            status,
            headers,
            content,
            method=item.endpoint.method,
            url=str(item.url.copy_with(query=None, fragment=None)),
            retry_after=parse_retry_after(headers.get("retry-after")),
        )

    def _retry(self) -> float | None:
        """Seconds to wait before sending the throttled items (and the items that failed
        waiting for them, 424) again; None when there are none or the policy says stop."""
        policy = self.core.retry
        throttled = [i for i in self.pending if i.status in policy.statuses]
        if not throttled or self.attempt >= policy.max_attempts:
            return None
        delay = max(
            policy.delay(self.attempt, parse_retry_after(i.headers.get("retry-after")))
            for i in throttled
        )
        if self.waited + delay > policy.max_wait:
            return None
        again = {i.id for i in throttled}
        grew = True
        while grew:  # a 424 waited for an item sent again, maybe through another 424
            waiting = {
                i.id
                for i in self.pending
                if i.status == 424 and any(d.id in again for d in i.depends_on)
            }
            grew = not waiting <= again
            again |= waiting
        self.pending = [i for i in self.pending if i.id in again]
        self.core.log.info(
            "retrying %d throttled request(s) of %s after %.2fs (attempt %d of %d)",
            len(throttled),
            where("POST", self.url),
            delay,
            self.attempt,
            policy.max_attempts,
        )
        self.waited += delay
        return delay


def _answers(response: httpx.Response) -> dict[str, tuple[int, httpx.Headers, Any]]:
    """Each item's (status, headers, body) from a `$batch` answer, by request id."""
    data = json_of(response)
    responses = data.get("responses") if isinstance(data, dict) else None
    if not isinstance(responses, list):
        raise ResponseDecodeError(
            f'the answer to {where("POST", response.request.url)} has no "responses" list'
        )
    answers: dict[str, tuple[int, httpx.Headers, Any]] = {}
    for answer in responses:
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), int):
            raise ResponseDecodeError(
                f"a response in the answer to {where('POST', response.request.url)} has no status"
            )
        headers = answer.get("headers")
        answers[str(answer.get("id"))] = (
            answer["status"],
            (
                httpx.Headers({str(k): str(v) for k, v in headers.items()})
                if isinstance(headers, dict)
                else httpx.Headers()
            ),
            answer.get("body"),
        )
    return answers


class _Collector:
    """What both kinds of batch share: adding calls."""

    def __init__(self, core: _Core) -> None:
        self._queue = _Queue(core)

    def add(self, op: Operation[P, R], /, *args: P.args, **kwargs: P.kwargs) -> BatchItem[R]:
        """Add a call of ``op`` (as ``Client.op``) with the operation's own arguments;
        its answer is the returned item's once the batch is sent."""
        return self._queue.add(op, args, kwargs, ())

    def after(self, *items: BatchItem[Any]) -> After:
        """Calls added through the result run only after ``items`` (Graph's ``dependsOn``):
        ``second = batch.after(first).add(Client.update_x, "id", body)``. If one of
        ``items`` fails, Graph answers the call 424 (an ApiError) without running it."""
        if not items:
            raise BatchError("after() needs at least one item of the batch")
        return After(self._queue, items)

    @property
    def items(self) -> tuple[BatchItem[Any], ...]:
        """The calls added so far, in order."""
        return tuple(self._queue.items)

    def __len__(self) -> int:
        return len(self._queue.items)


class After:
    """Adds calls that wait for other items of the batch (see `Batch.after`)."""

    def __init__(self, queue: _Queue, items: tuple[BatchItem[Any], ...]) -> None:
        self._queue = queue
        self._items = items

    def add(self, op: Operation[P, R], /, *args: P.args, **kwargs: P.kwargs) -> BatchItem[R]:
        """`Batch.add`, the call depending on the items given to ``after``."""
        return self._queue.add(op, args, kwargs, self._items)


class Batch(_Collector):
    """Calls of `Client` sent together in JSON batches: ``with client.batch() as batch:``
    sends them when the block ends without an exception (or call ``send()``)."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport.core)
        self._transport = transport

    def send(self) -> None:
        """Send the calls (as several `$batch` requests if more than 20), retrying throttled
        items; each item then holds its answer. A failure of a `$batch` request itself
        raises as any call's would."""
        queue = self._queue
        for chunk in queue.chunks():
            rounds = _Rounds(queue.core, chunk)
            while True:
                response = self._transport.send(
                    "POST", rounds.url, content=rounds.content(), headers=_JSON
                )
                delay = rounds.answered(response)
                if delay is None:
                    break
                time.sleep(delay)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.send()


class AsyncBatch(_Collector):
    """`Batch` for `AsyncClient`: ``async with client.batch() as batch:`` (adding is not
    awaited; sending is, when the block ends, or ``await batch.send()``)."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport.core)
        self._transport = transport

    async def send(self) -> None:
        """`Batch.send`, awaited."""
        queue = self._queue
        for chunk in queue.chunks():
            rounds = _Rounds(queue.core, chunk)
            while True:
                response = await self._transport.send(
                    "POST", rounds.url, content=rounds.content(), headers=_JSON
                )
                delay = rounds.answered(response)
                if delay is None:
                    break
                await asyncio.sleep(delay)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await self.send()
