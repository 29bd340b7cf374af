"""write: put a generated tree on disk atomically, or compare it with what is there.

The new tree is written in full into a staging folder beside the target, then swapped in
with one atomic rename exchange (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames
with a recovery step), so a crash or a kill at any moment leaves the old tree or the new
one, never a mix. A run holds an exclusive lock on the parent folder while it works and
first removes staging folders that killed runs left behind (`.<name>.apigen-new-*`).

Ownership: the tree holds `.apigen-manifest`, the list of files apigen wrote. Files and
folders a user added that are not in it are carried into the new tree untouched (hard
links, symlinks kept as symlinks and never followed). A non-empty folder with no manifest
is not apigen's: writing into it is refused.
"""

from __future__ import annotations

import ctypes
import difflib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from generator.errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".apigen-manifest"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_CACHE = "__pycache__"


def _check_relative(name: str) -> None:
    """A generated file's name must stay inside the output folder (a bug guard, not input)."""
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or not path.parts
        or any(part in ("", ".", "..") for part in name.split("/"))
        or "\\" in name
        or "\x00" in name
        or name == MANIFEST
    ):
        raise ValueError(f"refusing to write outside the output folder: {name!r}")


def _has_symlink(target: Path, name: str) -> bool:
    """True if ``target/name`` or any folder between it and ``target`` is a symlink."""
    current = target
    for part in PurePosixPath(name).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def refuse_symlinked(path: Path, what: str) -> None:
    """Refuse to write ``path`` when it or its folder is a symlink: a link planted by a pull
    request (``generated/sdk -> ~/.ssh``) must never move where apigen writes or hashes."""
    for candidate, role in ((path, what), (path.parent, f"the folder of the {what}")):
        if candidate.is_symlink():
            raise InputError(
                f"{role} is a symlink; apigen never writes through one (replace it with a folder)",
                file=str(candidate),
            )


def read_manifest(target: Path) -> list[str] | None:
    """The names apigen wrote into ``target`` last time, or None when it holds no manifest.

    A manifest that is a symlink, unreadable or names paths outside the folder is refused:
    it is not one apigen wrote.
    """
    manifest = target / MANIFEST
    if manifest.is_symlink():
        raise InputError(f"{MANIFEST} is a symlink; apigen never writes one", file=str(target))
    if not manifest.is_file():
        return None
    try:
        names = [line for line in manifest.read_text(encoding="utf-8").splitlines() if line]
        for name in names:
            _check_relative(name)
    except (UnicodeDecodeError, ValueError):
        raise InputError(
            f"{MANIFEST} is damaged (it names paths apigen never writes)", file=str(target)
        ) from None
    return names


def _manifest_text(files: Mapping[str, str]) -> str:
    return "".join(f"{name}\n" for name in sorted(files))


def _user_entries(target: Path, owned: set[str]) -> tuple[list[str], list[str]]:
    """(files and symlinks, empty folders) under ``target`` that apigen does not own.

    Walks without following symlinks, so a link to a folder elsewhere is one entry, never
    a way to read or copy what it points to. `__pycache__` folders are dropped.
    """
    entries: list[str] = []
    empty_dirs: list[str] = []
    for root, dirs, names in os.walk(target, followlinks=False):
        rel_root = Path(root).relative_to(target)
        dirs[:] = sorted(d for d in dirs if d != _CACHE)
        for name in sorted([*names, *(d for d in dirs if (Path(root) / d).is_symlink())]):
            rel = (rel_root / name).as_posix()
            if rel not in owned and rel != MANIFEST:
                entries.append(rel)
        if root != str(target) and not names and not dirs:
            empty_dirs.append(rel_root.as_posix())
    return entries, empty_dirs


def _carry(source: Path, destination: Path) -> None:
    """Put a user's entry into the staging tree: hard link, else copy; symlinks as links."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    mode = source.lstat().st_mode
    if stat.S_ISLNK(mode):
        os.symlink(os.readlink(source), destination)
    elif stat.S_ISREG(mode):
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, destination, follow_symlinks=False)
    else:
        raise InputError(
            "the output folder holds a special file (pipe, socket or device) apigen cannot keep; move it away",
            file=str(source),
        )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the platform cannot."""
    try:
        # The running program's own symbols include libc's; `ctypes.util.find_library`
        # would spawn `ldconfig` to find it.
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _leftovers(target: Path, kind: str) -> list[Path]:
    """Staging (`new`) or set-aside (`old`) folders of ``target`` from earlier runs."""
    prefix = f".{target.name}.apigen-{kind}-"
    return sorted(
        p
        for p in target.parent.iterdir()
        if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink()
    )


def recover(target: Path) -> None:
    """Finish an interrupted non-atomic swap: if the target is missing but its previous
    tree was set aside, put it back; then drop what killed runs left behind."""
    if not target.exists() and not target.is_symlink():
        old = _leftovers(target, "old")
        if old:
            old[0].rename(target)
    for leftover in _leftovers(target, "old") + _leftovers(target, "new"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (released by the kernel if the process dies)."""
    if fcntl is None:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _make_dir_beside(target: Path, kind: str) -> Path:
    """A new, empty folder next to ``target`` (mode from the umask, like any new folder)."""
    while True:
        path = target.parent / f".{target.name}.apigen-{kind}-{secrets.token_hex(6)}"
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue


def _owned(target: Path) -> set[str]:
    """The names apigen owns in ``target``; refuses a folder apigen did not write."""
    if not target.exists():
        return set()
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
        return set()
    return set(manifest)


def write_tree(target: Path, files: Mapping[str, str]) -> None:
    """Replace the generated tree at ``target`` with ``files`` (relative path -> text).

    Files the previous build wrote and this one does not are removed; everything else a
    user put in the folder is kept. A name the user took that apigen now generates is an
    `InputError` (nothing is written).
    """
    for name in files:
        _check_relative(name)
    target = target.absolute()
    refuse_symlinked(target, "output folder")
    for folder in target.parents:
        if folder.exists():
            if not folder.is_dir():
                raise InputError(
                    "is a file, so the output folder cannot be made below it", file=str(folder)
                )
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        recover(target)
        owned = _owned(target)
        user_entries, empty_dirs = _user_entries(target, owned) if target.exists() else ([], [])
        generated_dirs = {str(parent) for name in files for parent in PurePosixPath(name).parents}
        for name in user_entries:
            if name in files or name in generated_dirs:
                raise InputError(
                    f"{name} was added by hand but apigen now generates a file of that name; move it away",
                    file=str(target),
                )
        staging = _make_dir_beside(target, "new")
        try:
            written: list[Path] = []
            for name, text in sorted(files.items()):
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
                written.append(path)
            _fsync_files(written)
            folders = {f for path in written for f in path.relative_to(staging).parents}
            for folder in sorted(folders - {Path(".")}):
                _fsync_dir(staging / folder)  # each new folder's entries; staging's below
            for name in user_entries:
                _carry(target / name, staging / name)
            for name in empty_dirs:
                (staging / name).mkdir(parents=True, exist_ok=True)
            (staging / MANIFEST).write_text(_manifest_text(files), encoding="utf-8")
            if target.exists():
                os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
            _fsync_dir(staging)
            if not target.exists():
                staging.rename(target)
            elif _exchange(staging, target):
                shutil.rmtree(staging)  # staging now holds the old tree
            else:
                aside = _make_dir_beside(target, "old")
                aside.rmdir()
                target.rename(aside)
                staging.rename(target)
                shutil.rmtree(aside)
            _fsync_dir(target.parent)
        except BaseException:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
            raise


def _fsync_files(paths: list[Path]) -> None:
    """Every file's data on disk before the swap makes it the output. In threads: the
    file system commits concurrent fsyncs together, a third of the time of one after
    another for the 3,300 files of a 2,000-schema SDK."""

    def sync(path: Path) -> None:
        fd = os.open(path, os.O_RDWR)  # Windows syncs only a file opened for writing
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(max_workers=min(_FSYNC_THREADS, max(1, len(paths)))) as pool:
        list(pool.map(sync, paths))


_FSYNC_THREADS = 16


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


def _read_owned(target: Path, name: str) -> str | None:
    """An owned file's text, or None if absent; never read through a symlink (a link to a
    secret must not end up in a diff printed to CI logs)."""
    if _has_symlink(target, name):
        return "(a symlink: apigen never writes one)\n"
    path = target / name
    if not path.is_file():
        return None
    return path.read_bytes().decode("utf-8", errors="replace")


def diff_text(old: str, new: str, name: str) -> str:
    """A unified diff of one file (`a/NAME` to `b/NAME`); empty when the texts are equal.
    Every line ends in a newline, so diffs of several files can simply be joined."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def diff_tree(target: Path, files: Mapping[str, str]) -> str:
    """A unified diff from what is on disk to ``files``; empty when they are the same."""
    chunks: list[str] = []
    on_disk = set(read_manifest(target) or []) if target.is_dir() else set()
    for name in sorted(set(files) | on_disk):
        current = _read_owned(target, name) if target.is_dir() else None
        old = current or ""
        new = files.get(name, "")
        if old == new and (current is not None or name not in files):
            continue
        chunks.append(diff_text(old, new, f"{target.name}/{name}"))
    expected_manifest = _manifest_text(files)
    manifest_path = target / MANIFEST
    old_manifest = manifest_path.read_text(encoding="utf-8") if manifest_path.is_file() else ""
    if files and old_manifest != expected_manifest:
        chunks.append(diff_text(old_manifest, expected_manifest, f"{target.name}/{MANIFEST}"))
    return "".join(chunks)


def write_file(path: Path, text: str) -> None:
    """Write one file atomically (temporary file in the same folder, then rename); never
    through a symlinked folder."""
    refuse_symlinked(path.absolute(), "file")
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
