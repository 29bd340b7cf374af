"""layout: lay out a long bracketed line the way black would, before black sees it.

Black formats a file twice when its first pass changes anything (the second pass settles
trailing commas), so code that arrives already formatted costs half as much. Templates
pass their long one-line constructs (a decorator call, a signature, a call whose arguments
are a list of simple items) through the `layout` filter, which applies black's rules for
one bracket: keep the line if it fits; else split at the last bracket whose opening line
fits, putting the contents on one indented line if they fit, else one item per line with
a trailing comma. Black still formats every file: a line laid out differently from what
black wants only costs the second pass, never changes the result.
"""

from __future__ import annotations

import re

from generator.codestyle import LINE_LENGTH
from generator.sdk.escape import Code

_OPEN = {"(": ")", "[": "]", "{": "}"}


def layout(text: str, width: int = LINE_LENGTH) -> Code:
    """Each line of ``text`` laid out on its own (see the module docstring)."""
    return Code("\n".join(_line(line, width) for line in str(text).split("\n")))


def _line(line: str, width: int) -> str:
    if len(line) <= width or not line.isascii():
        return line  # short, or measured in display width by black: left to black
    pairs = _top_level_pairs(line)
    if pairs is None:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    # The last bracket whose opening line fits; if none does, the first one.
    fitting = [(start, end) for start, end in pairs if start + 1 <= width]
    for start, end in reversed(fitting or pairs[:1]):
        head = line[: start + 1]
        items = _split_items(line[start + 1 : end])
        if items is None or not items:
            return line
        tail = line[end:]
        inner = indent + "    "
        # Black puts a call's arguments on one line when they fit there, never the items of
        # a literal tuple, list, dict or set (nor items ending in a magic trailing comma).
        literal = not line[:start].rstrip()[-1:].isidentifier() and line[:start][-1:] not in ")]"
        if items[-1] != "" and not (literal and len(items) > 1):
            one = inner + ", ".join(items)
            if len(one) <= width:
                return f"{head}\n{one}\n{indent}{tail}"
        if len(items) == 1:  # a sole item gets no comma: it is split in turn, if need be
            return f"{head}\n{_line(inner + items[0], width)}\n{indent}{tail}"
        if items[-1] == "":
            items = items[:-1]
        # One item per line, each laid out in turn (black splits a long item the same way).
        body = "".join(_line(f"{inner}{item},", width) + "\n" for item in items)
        return f"{head}\n{body}{indent}{tail}"
    return line


# The pieces of a line that matter here: one-line string literals (escapes kept), brackets
# and commas; a `#` or a quote that starts no string leaves the line to black.
_PIECE = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[()\[\]{},]|["'#]""")


def _pieces(text: str) -> list[tuple[str, int]] | None:
    """(bracket or comma, offset) for each one outside string literals; None when the text
    holds a comment, a triple-quoted or an unterminated string."""
    if '"""' in text or "'''" in text:
        return None
    found: list[tuple[str, int]] = []
    for match in _PIECE.finditer(text):
        piece = match.group()
        if len(piece) == 1:
            if piece in "#\"'":
                return None
            found.append((piece, match.start()))
    return found


def _top_level_pairs(line: str) -> list[tuple[int, int]] | None:
    """(open, close) character offsets of the brackets at depth 0, in order."""
    pieces = _pieces(line)
    if pieces is None:
        return None
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for piece, offset in pieces:
        if piece in _OPEN:
            stack.append((piece, offset))
        elif piece in ")]}":
            if not stack or _OPEN[stack[-1][0]] != piece:
                return None
            _, opened = stack.pop()
            if not stack:
                pairs.append((opened, offset))
    return pairs if not stack else None


def _split_items(body: str) -> list[str] | None:
    """The comma-separated items of a bracket's contents (a trailing comma gives a last
    empty item); None if they cannot be told apart safely."""
    pieces = _pieces(body)
    if pieces is None:
        return None
    items: list[str] = []
    depth = 0
    start = 0
    for piece, offset in pieces:
        if piece in _OPEN:
            depth += 1
        elif piece in ")]}":
            depth -= 1
        elif depth == 0:  # a comma
            items.append(body[start:offset].strip())
            start = offset + 1
    items.append(body[start:].strip())
    if any(item == "" for item in items[:-1]):
        return None
    return items
