"""format: black over every generated Python file, in process.

Black is the formatter users know; its output is stable for a given black version, which
the golden tests pin through the project's dependency range.
"""

from __future__ import annotations

from collections.abc import Mapping

import black

_MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=100)


class FormatError(Exception):
    """Black could not parse a generated file: a bug in a template, never user input."""


def format_python(name: str, text: str) -> str:
    try:
        return black.format_str(text, mode=_MODE)
    except black.InvalidInput as exc:
        raise FormatError(f"generated {name} is not valid Python: {exc}") from exc


def format_files(files: Mapping[str, str]) -> dict[str, str]:
    """Format the `.py` files of a rendered tree; other files pass through unchanged."""
    return {name: format_python(name, text) if name.endswith(".py") else text for name, text in files.items()}
