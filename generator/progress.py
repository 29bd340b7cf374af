"""Progress on a terminal for long builds: the stage and, while formatting, a count.

Shown only when stderr is a terminal, not in CI and not with --quiet; otherwise every call
is a no-op, so logs stay clean. One line, rewritten in place, cleared at the end.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO


class Progress:
    def __init__(
        self, label: str = "", stream: TextIO | None = None, enabled: bool = False
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._stage = ""

    @classmethod
    def for_terminal(cls, label: str, quiet: bool) -> Progress:
        stream = sys.stderr
        enabled = not quiet and stream.isatty() and not os.environ.get("CI")
        return cls(label, stream, enabled)

    def _show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[2K{self.label}: {text}")
            self.stream.flush()

    def stage(self, name: str) -> None:
        self._stage = name
        self._show(name)

    def count(self, done: int, total: int) -> None:
        self._show(f"{self._stage} {done}/{total}")

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


QUIET = Progress()
