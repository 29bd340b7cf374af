"""Helpers the tests share: the repository root, running the CLI as a user would, a folder's
contents, the synthetic Graph-style spec of bench/make_spec.py, and an SDK generated from a
spec text and imported."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def cli_command(*args: str, python: tuple[str, ...] = ()) -> list[str]:
    """`python [python options] -m generator ...`."""
    return [sys.executable, *python, "-m", "generator", *args]


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the CLI runs in: this checkout importable, plus ``env``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}


def run_cli(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    python: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ...` as a user would (``python``: options for the
    interpreter, before `-m generator`), capturing both streams."""
    return subprocess.run(
        cli_command(*args, python=python),
        check=False,
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(env),
    )


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: file bytes, symlink targets, folders."""
    result: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                result[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                result[rel] = path.read_bytes()
            else:
                result[rel] = "dir"
    return result


def synthetic_spec(schemas: int, paths: int) -> str:
    """bench/make_spec.py's Graph-style spec as JSON text (JSON is YAML, without aliases)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_spec import make_spec
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return json.dumps(make_spec(schemas, paths))


def rendered(text: str, source: str) -> dict[str, str]:
    """A spec text rendered into package `pkg`, before black (validation skipped)."""
    from generator.sdk.load import load_api
    from generator.sdk.render import PackageInfo, render_package
    from generator.spec.io import parse_spec_text

    api = load_api(parse_spec_text(text, source), validate=False)
    return render_package(api, PackageInfo("pkg", "pkg", "1.0.0"))


def write_sdk(spec_text: str, source: str, package: str, folder: Path) -> Path:
    """Generate the SDK of ``spec_text`` as ``package`` into ``folder``; returns ``folder``."""
    from generator.pipeline import generate_output
    from generator.sdk.render import PackageInfo

    files = generate_output(spec_text, source, PackageInfo(package, package, "1.0.0"))
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@contextmanager
def imported(folder: Path, package: str) -> Iterator[Any]:
    """``package`` imported from ``folder`` for the block, then forgotten again."""
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]


@contextmanager
def imported_sdk(text: str, source: str, package: str, folder: Path) -> Iterator[ModuleType]:
    """The SDK apigen generates from a spec text (rendered and formatted) into ``folder``,
    imported as ``package`` for the duration of the block, then forgotten."""
    with imported(write_sdk(text, source, package, folder), package) as sdk:
        yield sdk


def load_bench(script: str) -> ModuleType:
    """A script of bench/ (scripts, not a package) loaded by path as `bench_<name>`."""
    spec = importlib.util.spec_from_file_location(
        f"bench_{Path(script).stem}", ROOT / "bench" / script
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def models_source(package: Path) -> str:
    """The source of a generated package's models: the `models` index, then each class's
    own module (`models/_<name>.py`) in name order."""
    folder = package / "models"
    index = folder / "__init__.py"
    modules = sorted(p for p in folder.glob("*.py") if p != index)
    return "".join(p.read_text(encoding="utf-8") for p in [index, *modules])
