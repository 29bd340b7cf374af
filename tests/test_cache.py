"""generator.cache: entries by content hash, and a cache that stays under its size limit by
dropping the least recently used entries."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import run_cli

from generator.cache import PRUNE_EVERY_S, Cache, key, prune, prune_if_due

MB = 1024 * 1024


def _entries(root: Path) -> set[str]:
    return {p.name for p in root.rglob("*") if p.is_file() and not p.name.startswith(".last")}


def _fill(root: Path, count: int, size: int) -> list[str]:
    """``count`` entries of ``size`` bytes, the first used longest ago."""
    cache = Cache("black", root)
    digests = [key(str(n)) for n in range(count)]
    start = time.time() - 10_000
    assert cache.folder is not None
    # Each entry starts with its checksum line; the entries here are ``size`` bytes on disk.
    cache.put(digests[0], "")
    overhead = (cache.folder / digests[0][:2] / digests[0]).stat().st_size
    for n, digest in enumerate(digests):
        cache.put(digest, "x" * (size - overhead))
        path = cache.folder / digest[:2] / digest
        os.utime(path, (start + n, start + n))
    return digests


def test_a_cache_over_its_limit_loses_its_least_recently_used_entries(tmp_path: Path) -> None:
    digests = _fill(tmp_path, 10, 1000)
    prune(tmp_path, 8000)  # 10,000 bytes held: down to 6,400 at most
    assert _entries(tmp_path) == set(digests[4:])


def test_a_cache_under_its_limit_is_left_alone(tmp_path: Path) -> None:
    digests = _fill(tmp_path, 10, 1000)
    prune(tmp_path, 10_000)
    assert _entries(tmp_path) == set(digests)


def test_a_hit_marks_an_entry_used(tmp_path: Path) -> None:
    digests = _fill(tmp_path, 10, 1000)
    assert Cache("black", tmp_path).get(digests[0]) is not None
    prune(tmp_path, 8000)
    assert _entries(tmp_path) == {digests[0], *digests[5:]}


def test_an_interrupted_write_is_removed_after_an_hour(tmp_path: Path) -> None:
    folder = tmp_path / "black" / "ab"
    folder.mkdir(parents=True)
    old, new = folder / ".tmp-old", folder / ".tmp-new"
    old.write_text("partial")
    new.write_text("being written")
    os.utime(old, (time.time() - 2 * PRUNE_EVERY_S,) * 2)
    prune(tmp_path, 10 * MB)
    assert not old.exists() and new.exists()


def test_pruning_runs_at_most_once_an_hour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_CACHE_MAX_MB", "0")
    now = time.time()
    _fill(tmp_path, 3, 10)
    prune_if_due(tmp_path, now)
    assert _entries(tmp_path) == set()
    _fill(tmp_path, 3, 10)
    prune_if_due(tmp_path, now + PRUNE_EVERY_S - 1)
    assert len(_entries(tmp_path)) == 3  # pruned a moment ago: not again
    prune_if_due(tmp_path, now + PRUNE_EVERY_S + 1)
    assert _entries(tmp_path) == set()


def test_a_bad_size_limit_is_bad_usage_and_writes_nothing(tmp_path: Path) -> None:
    env = {"APIGEN_CACHE_MAX_MB": "lots", "APIGEN_CACHE_DIR": str(tmp_path / "cache")}
    result = run_cli("generate", "specs/seed.yaml", "-o", str(tmp_path / "out"), env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "apigen: APIGEN_CACHE_MAX_MB must be a whole number of megabytes, not 'lots'"
    )
    assert not (tmp_path / "out").exists()


def test_a_build_with_a_full_cache_prunes_it_first_and_still_builds(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _fill(cache, 3, MB)
    env = {"APIGEN_CACHE_MAX_MB": "1", "APIGEN_CACHE_DIR": str(cache)}
    result = run_cli("generate", "specs/seed.yaml", "-o", str(tmp_path / "out"), env=env)
    assert result.returncode == 0, result.stderr
    assert sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) < 2 * MB
    assert (tmp_path / "out" / "pyproject.toml").is_file()
