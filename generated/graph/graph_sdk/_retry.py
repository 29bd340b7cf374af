"""Trying a request again: which failures are retried, how often, and how long to wait.

429, 503 and 504 answers, and connection failures before anything was sent, are retried a
bounded number of times within a bounded total wait, honouring `Retry-After`; nothing else
is, since a request the server may have acted on (a PATCH, a POST) must not be applied
twice. Only the decisions live here; the transport does the waiting and the sending, the
same way for `Client` and `AsyncClient`.
"""

from __future__ import annotations

import math
import random
import re
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

_SECONDS = re.compile(r"\d+(?:\.\d+)?\Z", re.ASCII)


@dataclass(frozen=True)
class RetryPolicy:
    """How failed requests are tried again.

    ``max_attempts`` counts the first try; ``max_wait`` bounds the total time spent
    sleeping between tries; a `Retry-After` longer than what is left ends the retries
    (the error then carries it as ``retry_after``). Without `Retry-After` the wait is
    exponential from ``backoff``, capped at ``backoff_max``, with jitter.
    """

    max_attempts: int = 4
    max_wait: float = 60.0
    backoff: float = 0.5
    backoff_max: float = 16.0
    statuses: frozenset[int] = frozenset({429, 503, 504})

    def __post_init__(self) -> None:
        # Checked here so a bad policy fails when built, not on the first outage.
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        for name in ("max_wait", "backoff", "backoff_max"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value}")

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 1)."""
        if retry_after is not None:
            return max(0.0, retry_after)
        ceiling = min(self.backoff_max, self.backoff * (2 ** (attempt - 1)))
        # "Equal jitter": at least half the ceiling, so clients that failed together spread
        # out without any of them retrying at once.
        return float(ceiling / 2 + random.random() * ceiling / 2)


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds from ``now``: a number of seconds or an HTTP date.

    Anything else (garbage, a negative number) is None, so the caller falls back to
    its own backoff instead of trusting it.
    """
    if not value:
        return None
    value = value.strip()
    if _SECONDS.match(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year past 9999, say
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP dates are GMT; "-0000" parses as naive
    current = time.time() if now is None else now
    try:
        return max(0.0, when.timestamp() - current)
    except (OverflowError, ValueError):
        return None


def retry_delay(
    policy: RetryPolicy, response: httpx.Response, attempt: int, waited: float
) -> float | None:
    """The seconds to wait before retrying this response, or None to stop."""
    if response.status_code not in policy.statuses or attempt >= policy.max_attempts:
        return None
    delay = policy.delay(attempt, parse_retry_after(response.headers.get("retry-after")))
    return None if waited + delay > policy.max_wait else delay


def connect_retry_delay(
    policy: RetryPolicy, exc: httpx.HTTPError, attempt: int, waited: float
) -> float | None:
    """The seconds to wait before trying again after ``exc``, or None to give up.

    Only failures before the request reached the server are retried: anything later
    may have been acted on, and a PATCH or POST must not be applied twice.
    """
    if not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return None
    if attempt >= policy.max_attempts:
        return None
    delay = policy.delay(attempt, None)
    return None if waited + delay > policy.max_wait else delay
