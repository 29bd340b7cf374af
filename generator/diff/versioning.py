"""The generated package's version and changelog, from what changed in its spec.

Each build keeps the spec it was made from inside the package (`.apigen-spec.yaml`). The
next build compares the new spec with it (`generator.diff`), bumps the version the way the
changes call for (breaking -> major, additions -> minor, docs -> patch) and puts a section
on top of `CHANGELOG.md`, so a downstream build sees what changed and why the version moved.
With `version_policy = "fixed"` the configured version is used as it is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.diff import diff_specs, next_version, render_changelog
from generator.spec.io import parse_spec_text

SPEC_COPY = ".apigen-spec.yaml"
CHANGELOG = "CHANGELOG.md"
_HEADER = "# Changelog\n\n"
_NUMBERS = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Release:
    version: str
    changelog: str
    bump: str


def _key(version: str) -> tuple[int, int, int]:
    match = _NUMBERS.fullmatch(version.strip())
    if match is None:
        return (-1, -1, -1)
    return int(match[1]), int(match[2]), int(match[3] or 0)


def _previous_version(output: Path) -> str | None:
    text = _read(output / "pyproject.toml")  # never through a symlink
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    version = data.get("project", {}).get("version")
    return version if isinstance(version, str) else None


def _read(path: Path) -> str | None:
    try:
        return (
            path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else None
        )
    except (OSError, UnicodeDecodeError):
        return None


def next_release(output: Path, spec_text: str, title: str, configured: str, policy: str) -> Release:
    """The version and changelog for building ``spec_text`` into ``output``."""
    old_spec = _read(output / SPEC_COPY)
    old_log = _read(output / CHANGELOG)
    first = Release(
        configured,
        f"{_HEADER}## {configured}\n\nFirst version, generated from the spec of {title}.\n",
        "none",
    )
    if old_spec is None or old_log is None:
        return first
    previous = _previous_version(output) or configured
    if old_spec == spec_text:
        return Release(configured if policy == "fixed" else previous, old_log, "none")
    report = diff_specs(
        parse_spec_text(old_spec, str(output / SPEC_COPY)).data,
        parse_spec_text(spec_text, "spec").data,
    )
    if policy == "fixed":
        version = configured
    else:
        base = configured if _key(configured) > _key(previous) else previous
        version = next_version(base, report.bump) if base == previous else configured
    entry = render_changelog(report, version).rstrip("\n") + "\n\n"
    body = old_log.removeprefix(_HEADER)
    return Release(version, _HEADER + entry + body, report.bump)
