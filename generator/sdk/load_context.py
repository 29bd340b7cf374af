"""What every part of loading a spec shares: the spec, its schemas, and failing with a pointer.

Loading is split by what it reads (schemas in `load_schemas`, operations in
`load_operations`, put together by `load`); each part reads the same spec file and
reports problems the same way, as an `InputError` carrying the JSON pointer and, when
known, the line. That common ground lives here, below all three, so they import it
rather than one another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import InputError
from generator.spec.io import SpecFile
from generator.spec.openapi import SCHEMA_PREFIX


@dataclass
class LoadContext:
    """The spec being loaded and its component schemas by name."""

    spec: SpecFile
    schemas: Mapping[str, Any]
    # What the SDK cannot express faithfully, as one-line messages (see `warn`).
    warnings: list[str] = field(default_factory=list)
    # False when the warnings will be dropped: they then go without their line, which takes
    # reading the whole spec's positions (a second, on the corpus's spec).
    locate: bool = True

    def fail(self, message: str, ptr: str) -> InputError:
        return InputError(message, file=self.spec.path, line=self.spec.line_of(ptr), pointer=ptr)

    def warn(self, message: str, ptr: str) -> None:
        """Record something the SDK cannot express faithfully, where the spec says it."""
        if not self.locate:
            self.warnings.append(message)
            return
        self.warnings.append(str(self.fail(message, ptr)))  # the same one-line form

    def schema_name(self, ref: Any, ptr: str) -> str:
        """The component name a `$ref` points to; only local schema refs are allowed."""
        if not isinstance(ref, str):
            raise self.fail("`$ref` must be a string", ptr)
        if not ref.startswith(SCHEMA_PREFIX):
            if ref.startswith("#"):
                raise self.fail(f"`$ref` {ref!r} must point into #/components/schemas", ptr)
            raise self.fail(
                f"`$ref` {ref!r} points outside this spec; only local refs are read", ptr
            )
        name = ref[len(SCHEMA_PREFIX) :].replace("~1", "/").replace("~0", "~")
        if name not in self.schemas:
            raise self.fail(f"`$ref` {ref!r} names no schema", ptr)
        return name


def text(value: Any) -> str:
    """A description, summary or title: the value when it is a string, else empty."""
    return value if isinstance(value, str) else ""
