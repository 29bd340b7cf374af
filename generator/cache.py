"""A content-addressed cache on disk for work that is slow and pure: black's output, "this
spec is valid" and the data of pieces of YAML specs (`generator.spec.sections`). Keys are SHA-256 of
everything the result depends on, so a hit is always the answer a fresh run would give;
the cache only ever saves time.

Location: $APIGEN_CACHE_DIR, else $XDG_CACHE_HOME/apigen, else ~/.cache/apigen.
APIGEN_NO_CACHE=1 turns it off. A cache that cannot be read or written is ignored.

Size: at most $APIGEN_CACHE_MAX_MB (default 1024) megabytes, checked at most once an hour
(`prune_if_due`, at the start of a build): past it, the least recently used entries go
until the cache is at 80% of it. A hit marks its entry used (its mtime).

Trust: every entry starts with a checksum of its key and its text, so a truncated, flipped or
swapped entry (one copied under another key) is a miss, never an answer. The folders are made
0700, and a cache folder that another user owns or others may write to is not used at all (a
`CacheWarning` says so): anyone who can write there could plant an entry that passes its
checksum.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat as stat_module
import tempfile
import time
import warnings
from pathlib import Path

from generator.errors import ApigenWarning, InputError

DEFAULT_MAX_MB = 1024
PRUNE_EVERY_S = 3600
_MARKER = ".last-pruned"
_HEADER = "apigen-cache-1 "


class CacheWarning(ApigenWarning):
    """The cache cannot be trusted or used; apigen goes on without it."""


@functools.cache
def _trusted(root: Path) -> bool:
    """Is ``root`` ours alone (made now if missing)? Checked once per process and folder."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(root)
    except OSError:
        return False  # unusable: every read and write would fail anyway
    problem = None
    if stat_module.S_ISLNK(info.st_mode) or not stat_module.S_ISDIR(info.st_mode):
        problem = "is not a folder"
    elif hasattr(os, "getuid") and info.st_uid != os.getuid():
        problem = "is owned by another user"
    elif info.st_mode & 0o022:
        problem = "may be written by other users"
    if problem is not None:
        warnings.warn(f"cache folder {root} {problem}; not using it", CacheWarning, stacklevel=3)
        return False
    return True


def _checksum(digest: str, text: str) -> str:
    return key("entry", digest, text)


def cache_dir() -> Path | None:
    if os.environ.get("APIGEN_NO_CACHE") == "1":
        return None
    explicit = os.environ.get("APIGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "apigen"


def key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """One namespace of the cache (e.g. "black", "valid")."""

    def __init__(self, namespace: str, root: Path | None = None) -> None:
        base = root if root is not None else cache_dir()
        # Entries in this format live apart from those of apigen releases before it, which
        # would read the checksum line back as part of the answer.
        folder = f"{namespace}.{_HEADER.split()[0]}"
        self.folder = base / folder if base is not None and _trusted(base) else None

    def _path(self, digest: str) -> Path | None:
        return None if self.folder is None else self.folder / digest[:2] / digest

    def get(self, digest: str) -> str | None:
        path = self._path(digest)
        if path is None:
            return None
        try:
            stored = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        header, _, text = stored.partition("\n")
        if header != _HEADER + _checksum(digest, text):
            return None  # damaged, truncated or filed under another key: work it out anew
        try:
            os.utime(path)  # used now: the last to go when the cache is pruned
        except OSError:
            pass
        return text

    def put(self, digest: str, text: str) -> None:
        path = self._path(digest)
        if path is None:
            return
        temp: str | None = None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"{_HEADER}{_checksum(digest, text)}\n{text}")
            os.replace(temp, path)
            temp = None
        except OSError:
            pass  # a full or read-only disk: the cache only saves time
        finally:
            if temp is not None:
                try:
                    os.remove(temp)  # never leave a partial file behind
                except OSError:
                    pass


def max_bytes() -> int:
    """$APIGEN_CACHE_MAX_MB in bytes (a whole number of megabytes, 0 or more)."""
    text = os.environ.get("APIGEN_CACHE_MAX_MB", "").strip() or str(DEFAULT_MAX_MB)
    if not text.isdigit():
        raise InputError(f"APIGEN_CACHE_MAX_MB must be a whole number of megabytes, not {text!r}")
    return int(text) * 1024 * 1024


def prune_if_due(root: Path | None = None, now: float | None = None) -> None:
    """`prune` the cache to `max_bytes`, unless it was done less than `PRUNE_EVERY_S` ago
    (a marker file's mtime says when): pruning reads the size of every entry."""
    limit = max_bytes()
    root = root if root is not None else cache_dir()
    if root is None or not _trusted(root):
        return
    now = time.time() if now is None else now
    marker = root / _MARKER
    try:
        if now - marker.stat().st_mtime < PRUNE_EVERY_S:
            return
    except OSError:
        pass  # never pruned, or unreadable: prune (a failure below is ignored too)
    try:
        marker.touch()
        os.utime(marker, (now, now))
    except OSError:
        return
    prune(root, limit)


def prune(root: Path, limit: int) -> None:
    """Delete the least recently used entries under ``root`` until it holds at most 80% of
    ``limit`` bytes, if it holds more than ``limit``; also any temporary file of an
    interrupted write (over an hour old)."""
    entries: list[tuple[float, int, str]] = []
    total = 0
    cutoff = time.time() - PRUNE_EVERY_S
    for folder, _, names in os.walk(root):
        for name in names:
            if name == _MARKER:
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
                if name.startswith(".tmp-") and stat.st_mtime < cutoff:
                    os.remove(path)
                    continue
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
            total += stat.st_size
    if total <= limit:
        return
    for _, size, path in sorted(entries):
        try:
            os.remove(path)
        except OSError:
            continue
        total -= size
        if total <= limit * 0.8:
            return
