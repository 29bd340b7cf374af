"""Exceptions raised by this SDK's clients.

`ApiError` and its subclasses mean the service answered with an error status; the
`TransportError` family means no usable answer arrived (connection failed, timed out, or
the body could not be read). None of them ever holds the access token.

Graph's error body is parsed into an `ODataError` (code, message, target, details and
`innerError`), attached to the `ApiError` as ``odata_error``. It lives here, not among the
package's top-level names, because a spec may have a model of the same name.
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
    "ConfigurationError",
    "ConflictError",
    "CredentialError",
    "InvalidRequestError",
    "NotFoundError",
    "ODataError",
    "ODataErrorDetail",
    "ODataInnerError",
    "PagingError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SdkError",
    "ServerError",
    "ThrottledError",
    "TransportError",
    "error_for_status",
]


class SdkError(Exception):
    """Base of every exception this SDK raises on purpose."""


class _Record:
    """A small value class: equality and repr by its slots. (Not a dataclass: importing
    `dataclasses` would double this module's share of the package's import time.)"""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={v!r}" for n, v in zip(self.__slots__, self._values()))
        return f"{type(self).__name__}({fields})"


class ODataErrorDetail(_Record):
    """One entry of an error's ``details``: a code, a message and what it is about."""

    __slots__ = ("code", "message", "target")

    def __init__(
        self, code: str | None = None, message: str = "", target: str | None = None
    ) -> None:
        self.code = code
        self.message = message
        self.target = target


class ODataInnerError(_Record):
    """Graph's `innerError`: the ids to quote to support; any other members it holds are
    kept in ``additional_data`` as they came."""

    __slots__ = ("additional_data", "client_request_id", "date", "request_id")

    def __init__(
        self,
        request_id: str | None = None,
        date: str | None = None,
        client_request_id: str | None = None,
        additional_data: dict[str, Any] | None = None,
    ) -> None:
        self.request_id = request_id
        self.date = date
        self.client_request_id = client_request_id
        self.additional_data = additional_data or {}


class ODataError(_Record):
    """Graph's error body (`{"error": {...}}`), typed: see `ApiError.odata_error`."""

    __slots__ = ("code", "details", "inner_error", "message", "target")

    def __init__(
        self,
        code: str | None = None,
        message: str = "",
        target: str | None = None,
        details: tuple[ODataErrorDetail, ...] = (),
        inner_error: ODataInnerError | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.inner_error = inner_error

    @classmethod
    def from_body(cls, data: Any) -> ODataError | None:
        """The error in a decoded body, or None when it is not in Graph's error shape.
        Members of the wrong JSON type are left out rather than trusted."""
        error = data.get("error") if isinstance(data, Mapping) else None
        if not isinstance(error, Mapping):
            return None
        details = error.get("details")
        inner = error.get("innerError") or error.get("innererror")
        return cls(
            code=_text(error.get("code")),
            message=_text(error.get("message")) or "",
            target=_text(error.get("target")),
            details=tuple(
                ODataErrorDetail(
                    _text(d.get("code")), _text(d.get("message")) or "", _text(d.get("target"))
                )
                for d in (details if isinstance(details, list) else ())
                if isinstance(d, Mapping)
            ),
            inner_error=_inner(inner) if isinstance(inner, Mapping) else None,
        )


_INNER_KEYS = ("request-id", "date", "client-request-id")


def _inner(inner: Mapping[str, Any]) -> ODataInnerError:
    return ODataInnerError(
        request_id=_text(inner.get("request-id")),
        date=_text(inner.get("date")),
        client_request_id=_text(inner.get("client-request-id")),
        additional_data={str(k): v for k, v in inner.items() if k not in _INNER_KEYS},
    )


class ConfigurationError(SdkError, ValueError):
    """The client was given a setting it cannot use: a ``base_url`` that is not an
    absolute http(s) URL, for instance. Raised when the client is built."""


class CredentialError(ConfigurationError):
    """A credential that cannot be sent safely: a token that is no valid header value
    (a line break, a space, a non-ASCII character), or any credential with a plain-http
    base URL to a host that is not loopback. The message never quotes the credential."""


class InvalidRequestError(SdkError, ValueError):
    """A call whose arguments cannot be sent as HTTP: a header value with a line break or
    a non-ASCII character, a body holding NaN or Infinity (not JSON). Nothing was sent."""


class ApiError(SdkError):
    """The service answered with an error status.

    ``code`` and ``message`` come from Graph's error body (`{"error": {"code", "message"}}`)
    when it has one, and ``odata_error`` is that whole body typed (target, details,
    innerError), None for a body in another shape; ``request_id`` and ``date`` come from
    its `innerError` or the response headers; ``body`` is the raw body text (cut to
    64 KiB) for anything else.
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
        odata_error: ODataError | None = None,
    ) -> None:
        self.status = status
        self.odata_error = odata_error
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


class ResponseTooLargeError(TransportError):
    """The answer's body (counted after decompression) is larger than the client's
    ``max_response_bytes``; reading stopped there."""


class ResponseDecodeError(TransportError):
    """A success response whose body is not the JSON the spec promises."""


class PagingError(TransportError):
    """A list's `@odata.nextLink` chain came back to a page already read, or ran past the
    client's ``max_pages``: the listing stops instead of looping for ever."""


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
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        data = None
    odata_error = ODataError.from_body(data)
    if odata_error is not None:
        code = odata_error.code
        message = odata_error.message
        inner = odata_error.inner_error
        if inner is not None:
            request_id = inner.request_id or request_id
            client_request_id = inner.client_request_id or client_request_id
            date = inner.date or date
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
        odata_error=odata_error,
    )
