"""The style of the code apigen generates, shared by the stages that write it."""

from __future__ import annotations

# Black's line length for generated code: the layout filter lays lines out to it, and black
# formats to it.
LINE_LENGTH = 100
