"""JSON as Graph pages write it: with trailing commas and ``//`` or ``/* */`` comments.

Doc annotations and example bodies are hand-written, and many real pages would fail a strict
JSON parser for a comma before ``}``. The noise is stripped outside strings, keeping the line
count, so a genuine syntax error is still reported at the page line it falls on.
"""

from __future__ import annotations

import json
from typing import Any

from generator.errors import InputError


def _strip_json_noise(text: str) -> str:
    """Remove // and /* */ comments and trailing commas outside strings, keeping line count."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "}]":
                out.append(text[i + 1 : j])  # keep the newlines, drop the comma
                i = j
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def load_lenient_json(text: str, source: str, line: int) -> Any:
    """Parse JSON as pages write it: trailing commas and comments are tolerated.

    ``line`` is the page line where ``text`` starts; a syntax error is reported as an
    `InputError` at the page line it falls on.
    """
    try:
        try:
            return json.loads(text)  # most blocks are strict JSON, which stripping keeps as is
        except json.JSONDecodeError:
            return json.loads(_strip_json_noise(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=source, line=line + exc.lineno - 1)
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", file=source, line=line)
