"""Reading input files with a bound: regular files only, and never more than a cap.

A size from `stat` is not enough: `/dev/zero`, a FIFO or a file that grows while it is read
report a small size and then never end. So the file is opened without blocking (a FIFO with
no writer would hang the open), refused unless it is a regular file, and read in chunks
counted against the cap. Every stage reads its inputs (pages, includes, specs, overlays,
configs, metadata) through here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.errors import InputError

_CHUNK = 1024 * 1024


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``; over ``limit`` bytes is an InputError."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a folder, not a file", file=str(path))
        if not stat.S_ISREG(mode):
            raise InputError("is not a regular file (a device, FIFO or socket)", file=str(path))
        chunks: list[bytes] = []
        total = 0
        try:
            while chunk := handle.read(min(_CHUNK, limit + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise InputError(f"file is over the {limit} byte limit", file=str(path))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    return b"".join(chunks)
