"""The generated package's version and changelog, bumped from its last release.

A build keeps two specs beside the package: the one it was made from (`.apigen-spec.yaml`)
and the one of the package's last release (`.apigen-release.yaml`, with that version). The
version is worked out from the release, never from the last build: the changes since the
release (`generator.diff`) call for a bump (breaking -> major, additions -> minor, docs ->
patch; below 1.0 one place lower: breaking -> 0.(y+1).0, the rest -> 0.y.(z+1)), and
`CHANGELOG.md` gets one "unreleased" section for them on top of the released history. So
an edit and its revert leave the version where the release had it, and ten page edits
between two releases make one bump, not ten.

The configured `version` is the last release. Raising it records one: the spec the last
build made becomes the new release and the unreleased section becomes its history, under
the configured number. A configured version below the release, or below what the changes
since the release call for, is refused with the reason. With `version_policy = "fixed"` the
version is the configured one, which still never goes below the recorded release.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diff import diff_specs, next_version, render_changelog
from generator.errors import InputError
from generator.spec.io import parse_spec_text

SPEC_COPY = ".apigen-spec.yaml"
RELEASE = ".apigen-release.yaml"
CHANGELOG = "CHANGELOG.md"
_HEADER = "# Changelog\n\n"
_UNRELEASED = " (unreleased)"
_NUMBERS = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")
_SECTION = re.compile(r"^## ", re.MULTILINE)


@dataclass(frozen=True)
class Release:
    """What a build writes: the package version, the CHANGELOG and the release record."""

    version: str
    changelog: str
    bump: str
    record: str  # the text of `.apigen-release.yaml`


def _key(version: str) -> tuple[int, int, int]:
    match = _NUMBERS.fullmatch(version.strip())
    if match is None:
        return (-1, -1, -1)
    return int(match[1]), int(match[2]), int(match[3] or 0)


def _read(path: Path) -> str | None:
    try:
        return (
            path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else None
        )
    except (OSError, UnicodeDecodeError):
        return None


def _built_version(output: Path) -> str | None:
    text = _read(output / "pyproject.toml")  # never through a symlink
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    version = data.get("project", {}).get("version")
    return version if isinstance(version, str) else None


_RECORD_HEADER = "# apigen: the last release of this package, version "
_RECORD_NOTE = "# (apigen bumps the version from it; below is that release's spec)\n"


def release_record(version: str, spec_text: str) -> str:
    """The text of `.apigen-release.yaml`: the last release's spec, as it was, under a
    comment naming its version (still a YAML document, and a plain diff in review)."""
    return f"{_RECORD_HEADER}{version}\n{_RECORD_NOTE}{spec_text}"


def _read_record(output: Path) -> tuple[str, str] | None:
    text = _read(output / RELEASE)
    if text is None:
        return None
    first, _, rest = text.partition("\n")
    version = first.removeprefix(_RECORD_HEADER)
    if not first.startswith(_RECORD_HEADER) or not rest.startswith(_RECORD_NOTE) or not version:
        raise InputError(
            "the release record is damaged; restore it from version control",
            file=str(output / RELEASE),
        )
    return version, rest.removeprefix(_RECORD_NOTE)


def _history(log: str) -> str:
    """The released sections of a CHANGELOG: everything after its unreleased section."""
    body = log.removeprefix(_HEADER)
    first = body.split("\n", 1)[0]
    if first.startswith("## ") and first.endswith(_UNRELEASED):
        rest = _SECTION.search(body, len(first))
        return body[rest.start() :] if rest else ""
    return body


def _released(log: str, version: str) -> str:
    """The CHANGELOG's unreleased section, now released as ``version``."""
    body = log.removeprefix(_HEADER)
    first = body.split("\n", 1)[0]
    if first.startswith("## ") and first.endswith(_UNRELEASED):
        return f"## {version}" + body[len(first) :]
    return body


def next_release(output: Path, spec_text: str, title: str, configured: str, policy: str) -> Release:
    """The version, CHANGELOG and release record for building ``spec_text`` into ``output``."""
    log = _read(output / CHANGELOG)
    built = _read(output / SPEC_COPY)
    record = _read_record(output)
    if record is None and (built is None or log is None):
        return Release(
            configured,
            f"{_HEADER}## {configured}\n\nFirst version, generated from the spec of {title}.\n",
            "none",
            release_record(configured, spec_text),
        )
    log = log or _HEADER
    # An SDK built before release records existed: its last build was its release.
    released, base = (
        record if record is not None else (_built_version(output) or configured, built or spec_text)
    )
    if _key(configured) < _key(released):
        raise InputError(
            f"version {configured} is below {released}, the package's last release; "
            "versions never go backwards",
            file=str(output / RELEASE),
        )
    if _key(configured) > _key(released):
        # A raised configured version records a release of what the last build made.
        made = built if built is not None else spec_text
        owed = next_version(released, diff_specs(_data(base, output), _data(made, output)).bump)
        if policy != "fixed" and _key(configured) < _key(owed):
            raise InputError(
                f"version {configured} is below {owed}, which the changes since {released} "
                "call for; release it as that or higher",
                file=str(output / RELEASE),
            )
        log = _HEADER + _released(log, configured)
        released, base = configured, made
    report = diff_specs(_data(base, output), parse_spec_text(spec_text, "spec").data)
    history = _history(log)
    if policy == "fixed":
        version = configured
    else:
        version = next_version(released, report.bump)
    if report.changes:
        section = render_changelog(report, version + _UNRELEASED).rstrip("\n") + "\n\n"
        changelog = _HEADER + section + history
    else:
        changelog = _HEADER + history
    return Release(version, changelog, report.bump, release_record(released, base))


def _data(spec_text: str, output: Path) -> Any:
    return parse_spec_text(spec_text, str(output / RELEASE)).data
