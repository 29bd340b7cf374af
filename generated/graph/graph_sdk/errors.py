"""Exceptions raised by this SDK's clients.

`ApiError` and its subclasses mean the service answered with an error status; the
`TransportError` family means no usable answer arrived (connection failed, timed out, or
the body could not be read). None of them ever holds the access token.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ApiError",
    "AuthError",
    "BadRequestError",
    "ConflictError",
    "NotFoundError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseValidationError",
    "SdkError",
    "ServerError",
    "ThrottledError",
    "TransportError",
    "error_for_status",
]


class SdkError(Exception):
    """Base of every exception this SDK raises on purpose."""


class ApiError(SdkError):
    """The service answered with an error status.

    ``code`` and ``message`` come from Graph's error body (`{"error": {"code", "message"}}`)
    when it has one; ``request_id`` and ``date`` from its `innerError` or the response
    headers; ``body`` is the raw body text (cut to 64 KiB) for anything else.
    """

    def __init__(
        self,
        status: int,
        *,
        code: str | None = None,
        message: str = "",
        request_id: str | None = None,
        client_request_id: str | None = None,
        date: str | None = None,
        body: str = "",
        method: str = "",
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.date = date
        self.body = body
        self.method = method
        self.url = url
        self.retry_after = retry_after
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = [f"{self.status}"]
        if self.code:
            parts.append(self.code)
        text = " ".join(parts)
        if self.message:
            text += f": {self.message}"
        if self.method and self.url:
            text += f" ({self.method} {self.url})"
        if self.request_id:
            text += f" [request-id {self.request_id}]"
        return text


class BadRequestError(ApiError):
    """400 and 422: the request was not acceptable as sent."""


class AuthError(ApiError):
    """401 and 403: the token is missing, expired or lacks a permission."""


class NotFoundError(ApiError):
    """404 and 410: no such resource."""


class ConflictError(ApiError):
    """409 and 412: the resource changed or exists already."""


class ThrottledError(ApiError):
    """429 after the retries allowed were used up; ``retry_after`` is the service's hint."""


class ServerError(ApiError):
    """5xx after the retries allowed were used up."""


class TransportError(SdkError):
    """No usable response: the connection failed or broke off."""


class RequestTimeoutError(TransportError):
    """The request or the response body took longer than the timeout."""


class ResponseDecodeError(TransportError):
    """A success response whose body is not the JSON the spec promises."""


class RequestValidationError(SdkError):
    """Strict mode: the request body breaks the spec; ``errors`` lists each problem."""

    def __init__(self, errors: list[Any]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(str(e) for e in errors[:5]) + (" ..." if len(errors) > 5 else "")
        )


class ResponseValidationError(RequestValidationError):
    """Strict mode: the response body breaks the spec."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    422: BadRequestError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    410: NotFoundError,
    409: ConflictError,
    412: ConflictError,
    429: ThrottledError,
}

_MAX_BODY = 64 * 1024
_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _gist(body: str, is_html: bool) -> str:
    """A one-line gist of a non-JSON body; an HTML page (a proxy's or gateway's) is cut
    down to its text, so the message says what the page says instead of showing markup."""
    if is_html:
        body = html.unescape(_TAG.sub(" ", _HIDDEN_HTML.sub(" ", body)))
    return " ".join(body.split())[:200]


def error_for_status(
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    method: str = "",
    url: str = "",
    retry_after: float | None = None,
) -> ApiError:
    """The ApiError subclass for a status, filled from a Graph error body when there is one.

    A body that is not JSON (an HTML page from a proxy, a truncated answer) still gives a
    clear error: its text is kept in ``body`` and a short form goes into ``message``.
    """
    body = content[:_MAX_BODY].decode("utf-8", "replace")
    code: str | None = None
    message = ""
    request_id = headers.get("request-id")
    client_request_id = headers.get("client-request-id")
    date = headers.get("date")
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, Mapping) else None
    if isinstance(error, Mapping):
        code = _text(error.get("code"))
        message = _text(error.get("message")) or ""
        inner = error.get("innerError") or error.get("innererror")
        if isinstance(inner, Mapping):
            request_id = _text(inner.get("request-id")) or request_id
            client_request_id = _text(inner.get("client-request-id")) or client_request_id
            date = _text(inner.get("date")) or date
    elif body.strip():
        is_html = data is None and (
            "html" in (headers.get("content-type") or "").lower() or body.lstrip().startswith("<")
        )
        if data is not None:
            kind = "JSON error body not in Graph's error shape"
        elif is_html:
            kind = "HTML error page instead of JSON"
        else:
            kind = "non-JSON error body"
        message = f"{kind}: {_gist(body, is_html)}"
    else:
        message = "empty error body"
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    return cls(
        status,
        code=code,
        message=" ".join(message.split()),
        request_id=request_id,
        client_request_id=client_request_id,
        date=date,
        body=body,
        method=method,
        url=url,
        retry_after=retry_after,
    )
