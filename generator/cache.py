"""A content-addressed cache on disk for work that is slow and pure: black's output, "this
spec is valid" and the data of pieces of YAML specs (`generator.sections`). Keys are SHA-256 of
everything the result depends on, so a hit is always the answer a fresh run would give;
the cache only ever saves time.

Location: $APIGEN_CACHE_DIR, else $XDG_CACHE_HOME/apigen, else ~/.cache/apigen.
APIGEN_NO_CACHE=1 turns it off. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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
        self.folder = base / namespace if base is not None else None

    def _path(self, digest: str) -> Path | None:
        return None if self.folder is None else self.folder / digest[:2] / digest

    def get(self, digest: str) -> str | None:
        path = self._path(digest)
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, digest: str, text: str) -> None:
        path = self._path(digest)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temp, path)
        except OSError:
            pass
