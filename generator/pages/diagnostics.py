"""All that reading and building some pages could not say faithfully, in one list.

The parser's `Diagnostic`s (per page) and the builder's `BuildDiagnostic`s (per page set)
meet here, each at its file and line: `apigen spec` and `apigen build` print them as
warnings (and fail on them with `--strict`); lint reports the same ones as findings.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.pages.build import BuildResult
from generator.pages.model import Page
from generator.pages.typemodel import BuildDiagnostic


def all_diagnostics(pages: Sequence[Page], result: BuildResult) -> tuple[BuildDiagnostic, ...]:
    """The pages' parse diagnostics and the build's, once each, by file and line."""
    found = {
        BuildDiagnostic(p.source, d.line, d.code, d.message) for p in pages for d in p.diagnostics
    }
    found.update(result.diagnostics)
    return tuple(sorted(found, key=lambda d: (d.source, d.line, d.code, d.message)))


def warning_text(diagnostic: BuildDiagnostic) -> str:
    """``FILE:LINE: message (code)``; a diagnostic about the page set as a whole has no line."""
    where = diagnostic.source if diagnostic.line < 1 else f"{diagnostic.source}:{diagnostic.line}"
    return f"{where}: {diagnostic.message} ({diagnostic.code})"
