"""Configuration: `[tool.apigen]` in pyproject.toml (or `apigen.toml`), checked strictly.

A config lists builds; each names its pages (or a spec), the spec file to write, the
output folder and the package names. Unknown keys and wrong types are errors naming the
key. With no config at all, `apigen build` builds the bundled seed page.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.sdk.identity import distribution_problem, package_problem, version_problem
from generator.spec.subset import EVERYTHING, Selection

_BUILD_KEYS = {
    "name": str,
    "pages": list,
    "spec": str,
    "overlay": str,
    "pages_root": str,
    "output": str,
    "package": str,
    "distribution": str,
    "version": str,
    "templates": str,
    "example": str,
    "version_policy": str,
    "include_paths": list,
    "exclude_paths": list,
    "include_tags": list,
    "exclude_tags": list,
}
_TOP_KEYS = {"build", "lint", "strict"}


@dataclass(frozen=True)
class BuildConfig:
    """One configured build; paths are absolute, resolved against the config's folder."""

    name: str
    spec: Path
    output: Path
    package: str
    distribution: str
    version: str
    pages: tuple[Path, ...] = ()
    overlay: Path | None = None
    # The docs tree whose resource pages the pages' type links are followed to.
    pages_root: Path | None = None
    templates: Path | None = None
    # A Python file shown as the SDK README's "Example app" (tests run it from there).
    example: Path | None = None
    # "diff": bump `version` from what changed in the spec (see generator.diff.versioning);
    # "fixed": always `version`.
    version_policy: str = "diff"
    # Generate a subset: path patterns and tags (see generator.spec.subset).
    selection: Selection = EVERYTHING


@dataclass(frozen=True)
class Config:
    source: str
    root: Path
    builds: tuple[BuildConfig, ...]
    lint: dict[str, Any] = field(default_factory=dict)
    strict: bool = False  # warnings fail `apigen spec` and `apigen build` (as --strict does)


def bundled_seed_page() -> Path:
    """The seed page shipped with apigen (inside the wheel, or specs/pages/ in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / "bundled" / "learningselfinitiatedcourse-update.md",
        here.parent / "specs" / "pages" / "learningselfinitiatedcourse-update.md",
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("the bundled seed page is missing from this installation")


def seed_build(root: Path) -> BuildConfig:
    """The build `apigen build` runs with no config: the seed page into specs/ and generated/."""
    return BuildConfig(
        name="seed",
        pages=(bundled_seed_page(),),
        spec=root / "specs" / "seed.yaml",
        output=root / "generated" / "seed",
        package="seed_sdk",
        distribution="seed-sdk",
        version="1.0.0",
    )


def _fail(source: str, key: str, message: str) -> InputError:
    return InputError(f"[{key}] {message}", file=source)


def _build(raw: Any, index: int, source: str, root: Path) -> BuildConfig:
    where = f"tool.apigen.build[{index}]"
    if not isinstance(raw, dict):
        raise _fail(source, where, "must be a table")
    for key, value in raw.items():
        if key not in _BUILD_KEYS:
            raise _fail(
                source, f"{where}.{key}", f"unknown key; known: {', '.join(sorted(_BUILD_KEYS))}"
            )
        if not isinstance(value, _BUILD_KEYS[key]):
            raise _fail(source, f"{where}.{key}", f"must be a {_BUILD_KEYS[key].__name__}")
    for key in ("name", "spec", "output", "package"):
        if key not in raw:
            raise _fail(source, f"{where}.{key}", "is required")
    pages = raw.get("pages", [])
    if not all(isinstance(p, str) for p in pages):
        raise _fail(source, f"{where}.pages", "must be a list of paths")
    for key in ("include_paths", "exclude_paths", "include_tags", "exclude_tags"):
        if not all(isinstance(item, str) for item in raw.get(key, [])):
            raise _fail(source, f"{where}.{key}", "must be a list of strings")
    selection = Selection(
        include_paths=tuple(raw.get("include_paths", [])),
        exclude_paths=tuple(raw.get("exclude_paths", [])),
        include_tags=tuple(raw.get("include_tags", [])),
        exclude_tags=tuple(raw.get("exclude_tags", [])),
    )
    policy = raw.get("version_policy", "diff")
    if policy not in ("diff", "fixed"):
        raise _fail(source, f"{where}.version_policy", f'must be "diff" or "fixed", got {policy!r}')
    package = raw["package"]
    distribution = raw.get("distribution", package.replace("_", "-"))
    version = raw.get("version", "1.0.0")
    for key, problem in (
        ("package", package_problem(package)),
        ("distribution", distribution_problem(distribution)),
        ("version", version_problem(version)),
    ):
        if problem is not None:
            raise _fail(source, f"{where}.{key}", problem)
    templates = root / raw["templates"] if "templates" in raw else None
    if templates is not None and not templates.is_dir():
        raise _fail(source, f"{where}.templates", f"{raw['templates']!r} is not a folder")
    example = root / raw["example"] if "example" in raw else None
    if example is not None and not example.is_file():
        raise _fail(source, f"{where}.example", f"{raw['example']!r} is not a file")
    return BuildConfig(
        name=raw["name"],
        pages=tuple(root / p for p in pages),
        spec=root / raw["spec"],
        overlay=root / raw["overlay"] if "overlay" in raw else None,
        pages_root=root / raw["pages_root"] if "pages_root" in raw else None,
        output=root / raw["output"],
        package=package,
        distribution=distribution,
        version=version,
        templates=templates,
        example=example,
        version_policy=policy,
        selection=selection,
    )


def parse_config(data: dict[str, Any], source: str, root: Path) -> Config:
    for key in data:
        if key not in _TOP_KEYS:
            raise _fail(
                source, f"tool.apigen.{key}", f"unknown key; known: {', '.join(sorted(_TOP_KEYS))}"
            )
    raw_builds = data.get("build", [])
    if not isinstance(raw_builds, list) or not raw_builds:
        raise _fail(
            source,
            "tool.apigen.build",
            "must be a non-empty array of tables ([[tool.apigen.build]])",
        )
    builds = tuple(_build(raw, i, source, root) for i, raw in enumerate(raw_builds))
    names = [b.name for b in builds]
    if len(set(names)) != len(names):
        raise _fail(source, "tool.apigen.build", "build names must be unique")
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise _fail(source, "tool.apigen.lint", "must be a table")
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        raise _fail(source, "tool.apigen.strict", "must be true or false")
    return Config(source, root, builds, lint, strict)


def find_config(start: Path) -> Config | None:
    """`[tool.apigen]` from pyproject.toml or apigen.toml in ``start``; None if neither."""
    for name, nested in (("apigen.toml", False), ("pyproject.toml", True)):
        path = start / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML: {exc}", file=str(path)) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8", file=str(path)) from None
        section = data.get("tool", {}).get("apigen") if nested else data
        if section is None:
            continue
        if not isinstance(section, dict):
            raise InputError("[tool.apigen] must be a table", file=str(path))
        return parse_config(section, str(path), start)
    return None
