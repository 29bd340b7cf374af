"""write: put a generated tree on disk atomically, or compare it with what is there.

The new tree is written in full into a temporary folder beside the target, then swapped
in with one atomic rename exchange (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two
renames with a recovery step), so a crash or a kill at any moment leaves the old tree or
the new one, never a mix.

Ownership: the tree holds `.apigen-manifest`, the list of files apigen wrote. Files a user
added that are not in it are carried into the new tree untouched. A non-empty folder with
no manifest is not apigen's: writing into it is refused.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from generator.errors import InputError

MANIFEST = ".apigen-manifest"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _check_relative(name: str) -> None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name or "\x00" in name:
        raise ValueError(f"refusing to write outside the output folder: {name!r}")


def read_manifest(target: Path) -> list[str] | None:
    manifest = target / MANIFEST
    if not manifest.is_file():
        return None
    names = [line for line in manifest.read_text(encoding="utf-8").splitlines() if line]
    for name in names:
        _check_relative(name)
    return names


def _manifest_text(files: Mapping[str, str]) -> str:
    return "".join(f"{name}\n" for name in sorted(files))


def _user_files(target: Path, owned: list[str]) -> list[str]:
    owned_set = set(owned) | {MANIFEST}
    found = []
    for path in sorted(target.rglob("*")):
        if path.is_file() or path.is_symlink():
            name = path.relative_to(target).as_posix()
            if name not in owned_set and "__pycache__" not in path.parts:
                found.append(name)
    return found


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the platform cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def recover(target: Path) -> None:
    """Finish an interrupted non-atomic swap: if the target is missing but its previous
    tree was set aside, put it back."""
    if target.exists():
        return
    for leftover in sorted(target.parent.glob(f".{target.name}.apigen-old-*")):
        leftover.rename(target)
        return


def write_tree(target: Path, files: Mapping[str, str]) -> None:
    """Replace the generated tree at ``target`` with ``files`` (relative path -> text)."""
    for name in files:
        _check_relative(name)
    target = target.absolute()
    recover(target)
    owned: list[str] = []
    if target.exists():
        if not target.is_dir():
            raise InputError("the output path exists and is not a folder", file=str(target))
        manifest = read_manifest(target)
        if manifest is None:
            if any(target.iterdir()):
                raise InputError(
                    f"the output folder has files but no {MANIFEST}: it was not written by apigen; "
                    "choose an empty or new folder",
                    file=str(target),
                )
        else:
            owned = manifest
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.apigen-new-", dir=target.parent))
    try:
        for name, text in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        if target.exists():
            for name in _user_files(target, owned):
                if name in files:
                    raise InputError(
                        f"{name} was added by hand but apigen now generates a file of that name; move it away",
                        file=str(target),
                    )
                destination = staging / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target / name, destination, follow_symlinks=False)
        (staging / MANIFEST).write_text(_manifest_text(files), encoding="utf-8")
        _fsync_dir(staging)
        if not target.exists():
            staging.rename(target)
        elif _exchange(staging, target):
            shutil.rmtree(staging)  # staging now holds the old tree
        else:
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.apigen-old-", dir=target.parent))
            aside.rmdir()
            target.rename(aside)
            staging.rename(target)
            shutil.rmtree(aside)
        _fsync_dir(target.parent)
    except BaseException:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def diff_tree(target: Path, files: Mapping[str, str]) -> str:
    """A unified diff from what is on disk to ``files``; empty when they are the same."""
    chunks: list[str] = []
    on_disk = set(read_manifest(target) or []) if target.is_dir() else set()
    for name in sorted(set(files) | on_disk):
        path = target / name
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        new = files.get(name, "")
        if old == new and (path.is_file() or name not in files):
            continue
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"a/{target.name}/{name}",
                tofile=f"b/{target.name}/{name}",
            )
        )
    expected_manifest = _manifest_text(files)
    manifest_path = target / MANIFEST
    if files and (not manifest_path.is_file() or manifest_path.read_text(encoding="utf-8") != expected_manifest):
        old = manifest_path.read_text(encoding="utf-8") if manifest_path.is_file() else ""
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                expected_manifest.splitlines(keepends=True),
                fromfile=f"a/{target.name}/{MANIFEST}",
                tofile=f"b/{target.name}/{MANIFEST}",
            )
        )
    return "".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in chunks)


def write_file(path: Path, text: str) -> None:
    """Write one file atomically (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
