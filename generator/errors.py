"""The one error type for bad input: it names where the problem is, for a one-line message.

The CLI turns an `InputError` into ``file:line: message`` on stderr and exit code 2; any other
exception is a bug in apigen, not in the user's input.
"""

from __future__ import annotations


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
            file = "".join(c if c.isprintable() else "?" for c in self.file)
            where = file if self.line is None else f"{file}:{self.line}"
        if self.pointer:
            where = f"{where} at {self.pointer}" if where else self.pointer
        # One line, always: a message quoting a hostile spec must not span lines.
        text = " ".join(self.message.split())
        return f"{where}: {text}" if where else text
