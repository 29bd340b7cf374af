"""The Python API for build tools: the CLI's verbs as functions that return values.

Nothing here prints. Bad input raises `generator.errors.InputError`, which names the file
and line or JSON pointer, as the CLI's exit-2 message does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.config import BuildConfig, Config, find_config, seed_build
from generator.pipeline import (
    BuildOutcome,
    read_spec_or_pages,
    run_build,
    spec_text_from_pages,
)
from generator.spec.io import parse_spec_text

if TYPE_CHECKING:
    from generator.diff import DiffReport
    from generator.lint import LintReport


def load_config(folder: Path | str = ".") -> Config | None:
    """`[tool.apigen]` of ``folder``'s pyproject.toml or apigen.toml, or None."""
    return find_config(Path(folder))


def build(
    config: Config | BuildConfig | Path | str | None = None,
    *,
    check: bool = False,
    only: Sequence[str] = (),
) -> list[BuildOutcome]:
    """Run configured builds (a `Config`, one `BuildConfig`, or the config in a folder).

    With no config found, builds the bundled seed page into the folder. With ``check``,
    writes nothing and reports in each outcome's ``stale`` diff what would change.
    """
    if isinstance(config, BuildConfig):
        builds: list[BuildConfig] = [config]
    else:
        folder = Path(config) if isinstance(config, (str, Path)) else Path(".")
        found = config if isinstance(config, Config) else find_config(folder)
        builds = list(found.builds) if found is not None else [seed_build(folder.absolute())]
    if only:
        builds = [b for b in builds if b.name in only]
    return [run_build(b, check=check) for b in builds]


def spec(
    pages: Sequence[Path | str],
    *,
    overlay: Path | str | None = None,
    pages_root: Path | str | None = None,
) -> dict[str, Any]:
    """Pages (files or folders) to one OpenAPI document, as plain data. With ``pages_root``
    (the docs tree), the resource pages the pages' type links reach under it are read too."""
    text = spec_text_from_pages(
        [Path(p) for p in pages],
        Path(overlay) if overlay is not None else None,
        Path(pages_root) if pages_root is not None else None,
    )
    data: dict[str, Any] = parse_spec_text(text, "<pages>").data
    return data


def lint(
    paths: Sequence[Path | str],
    *,
    rules: Mapping[str, str] | None = None,
    metadata: Path | str | None = None,
) -> LintReport:
    """Lint pages and specs; ``rules`` re-levels rules as `[tool.apigen.lint.rules]` does
    (`{"page-todo": "off"}`); ``metadata`` (a CSDL file) also checks pages against it."""
    from dataclasses import replace

    from generator.lint import lint_paths, settings_from_config

    settings = settings_from_config({"rules": dict(rules or {})}, "<api>")
    if metadata is not None:
        settings = replace(settings, metadata=Path(metadata))
    return lint_paths([Path(p) for p in paths], settings)


def diff(old: Path | str, new: Path | str) -> DiffReport:
    """Classify the changes from ``old`` to ``new`` (specs, pages or folders of pages)."""
    from generator.diff import diff_specs

    return diff_specs(read_spec_or_pages(Path(old)).data, read_spec_or_pages(Path(new)).data)
