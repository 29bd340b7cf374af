"""The one error type for bad input: it names where the problem is, for a one-line message.

The CLI turns an `InputError` into ``file:line: message`` on stderr and exit code 2; any other
exception is a bug in apigen, not in the user's input.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` on one line, safe for a terminal: white space runs become one space, and every
    other control or unprintable character (an ANSI escape from a hostile spec, say) is shown
    as its ``\\xNN`` / ``\\uNNNN`` escape instead of being sent to the terminal."""
    words = " ".join(text.split())
    if words.isprintable():
        return words
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in words)


class InputError(Exception):
    """Bad input: a page, spec or config that apigen cannot use.

    ``file`` is the path as the user gave it, ``line`` is 1-based when known, and
    ``pointer`` is a JSON pointer into a spec when the problem is inside one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.pointer = pointer

    def __str__(self) -> str:
        where = ""
        if self.file:
            # A path comes from the command line or a config: keep it to one line too.
            file = printable(self.file)
            where = file if self.line is None else f"{file}:{self.line}"
        if self.pointer:
            pointer = printable(self.pointer)
            where = f"{where} at {pointer}" if where else pointer
        # One line, always: a message quoting a hostile spec must not span lines or drive
        # the terminal.
        text = printable(self.message)
        return f"{where}: {text}" if where else text


class ApigenWarning(UserWarning):
    """Something apigen went on without, that the user should know: the command line shows
    it as one `apigen: warning:` line (`-q` hides it)."""
