"""Escaping filters: the only way spec text reaches generated files.

Templates print values through `{{ ... }}`. The Jinja environment's ``finalize`` hook lets
through only `Code` (text apigen made itself, or text a filter below made safe for its
place) and plain integers; any other value - a raw string from the spec above all - stops
the build with an error naming the template. So a template that forgets a filter fails
loudly instead of printing untrusted text into Python source.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

import jinja2

from generator.sdk.naming import is_safe_identifier


class Code(str):
    """Text that is safe to print where it is printed: made by apigen or by a filter."""

    __slots__ = ()


class UnescapedValueError(Exception):
    """A template printed a value without a filter; a bug in a template, not in the input."""


def finalize(value: Any) -> Any:
    if isinstance(value, Code):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, jinja2.StrictUndefined):
        str(value)  # raises the UndefinedError that names what is undefined
    shown = repr(value)
    raise UnescapedValueError(
        f"template printed {shown[:60]} without an escaping filter (ident, pystr, docstring, comment, toml, md)"
    )


_SIMPLE_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _escape_char(char: str) -> str:
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if char.isprintable() and code < 0x10000 and not 0xD800 <= code <= 0xDFFF:
        return char
    # Line/paragraph separators, other non-printables and astral characters are written
    # as escapes: the source stays printable and no editor shows a fake line break.
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# Printable ASCII but for `"` and `\\`: text made only of these needs no escaping (the
# fast path for nearly all of a spec's text).
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def py_string_body(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return text
    return "".join(_escape_char(char) for char in text)


def pystr(value: Any) -> Code:
    """Any text as a double-quoted Python string literal."""
    return Code('"' + py_string_body(str(value)) + '"')


def ident(value: Any) -> Code:
    """A name already made an identifier by `generator.sdk.naming`; anything else is refused."""
    text = str(value)
    if not is_safe_identifier(text):
        raise UnescapedValueError(f"not a safe Python identifier: {text[:60]!r}")
    return Code(text)


def docstring(value: Any, indent: str = "") -> Code:
    """Text for the inside of a triple-quoted docstring, newlines kept readable.

    Backslashes, quotes and control characters are escaped so nothing can end the string
    early; lines after the first get ``indent``.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    lines = []
    for line in text.split("\n"):
        lines.append(py_string_body(line.rstrip()))
    return Code(("\n" + indent).join(lines))


def comment(value: Any) -> Code:
    """Text for a `#` comment: one line, with nothing that Python or a tool reads as a
    line break (\\r, \\n, \\f, \\v, U+2028/9 ...) or a NUL."""
    text = "".join(c if c.isprintable() and c not in "\r\n" else " " for c in str(value))
    return Code(" ".join(text.split()))


def pyliteral(value: Any) -> Code:
    """A number, bool, None, string or tuple/list of those as a Python literal."""
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        return Code(str(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnescapedValueError(f"non-finite number {value!r} cannot be a literal")
        return Code(repr(value))
    if isinstance(value, str):
        return pystr(value)
    if isinstance(value, (tuple, list)):
        items = [pyliteral(v) for v in value]
        return Code("(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")")
    raise UnescapedValueError(f"cannot write {type(value).__name__} as a literal")


def toml(value: Any) -> Code:
    """Text as a TOML basic string."""
    out = []
    for char in str(value):
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")  # TOML escapes must be Unicode scalar values
        elif code < 0x20 or code == 0x7F or not char.isprintable():
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return Code('"' + "".join(out) + '"')


def md(value: Any) -> Code:
    """Text for Markdown prose: one paragraph, HTML and code fences neutralised."""
    text = " ".join(comment(value).split())
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("`", "&#96;")):
        text = text.replace(raw, safe)
    return Code(text)


FILTERS = {
    "pystr": pystr,
    "ident": ident,
    "docstring": docstring,
    "comment": comment,
    "pyliteral": pyliteral,
    "toml": toml,
    "md": md,
}

__all__ = ["FILTERS", "Code", "UnescapedValueError", "finalize", "keyword"]
