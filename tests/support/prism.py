"""Prism (`@stoplight/prism-cli`) as a validating mock server: an independent judge of our specs.

`prism mock --errors` checks every request against the spec (an invalid body gets 422 with a
`validation` list, or the spec's own 422/400/default response), answers valid ones from the
spec's examples (static mode, no random data), and with `--errors` also refuses to serve an
example that breaks its own schema (500 with `sl-violations`), so a bad example cannot hide.

Prism routes paths as written in the spec, without the `servers` URL's path (`/v1.0`): point a
client's base URL at the bare origin this module returns.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from support import require_tool
from support.http_server import HOST, free_port

START_TIMEOUT_S: Final = 60.0
"""Prism takes ~1-3 s to start on an idle machine; allow for a busy 2-core one."""
STOP_TIMEOUT_S: Final = 5.0
PORT_ATTEMPTS: Final = 3
LOG_TAIL_LINES: Final = 60


class PrismStartError(RuntimeError):
    """Prism exited or never answered; the message holds the tail of its log."""


def _tail(log_path: Path, lines: int = LOG_TAIL_LINES) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def _answers(port: int) -> bool:
    """True once something on the port speaks HTTP (Prism answers 404 for an unknown route)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=1.0)
    try:
        connection.request("GET", "/__apigen_readiness_probe__")
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate Prism's whole process group, escalating to SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(STOP_TIMEOUT_S)
            return
        except subprocess.TimeoutExpired:
            continue


def _start(
    prism: Path, spec: Path, port: int, log_path: Path, errors: bool
) -> subprocess.Popen[bytes]:
    command = [str(prism), "mock", "--host", HOST, "--port", str(port)]
    if errors:
        command.append("--errors")
    command.append(str(spec))
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so we can kill it and any child
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )


def _log_since(log_path: Path, offset: int) -> str:
    with log_path.open("rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", errors="replace")


def _wait_ready(
    process: subprocess.Popen[bytes], port: int, log_path: Path, offset: int
) -> bool:
    """Poll until Prism says it listens and answers (True) or exits (False); raise on timeout.

    Both signals are needed: the log line proves it is our Prism on that port, the answer that
    its routes are loaded.
    """
    listening = f"Prism is listening on http://{HOST}:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if listening in _log_since(log_path, offset) and _answers(port):
            return True
        time.sleep(0.1)
    _stop(process)
    raise PrismStartError(
        f"Prism did not answer on port {port} within {START_TIMEOUT_S:.0f} s; log:\n{_tail(log_path)}"
    )


@contextmanager
def run_prism(
    spec_path: str | os.PathLike[str],
    *,
    errors: bool = True,
    log_path: Path | None = None,
) -> Iterator[str]:
    """Serve `spec_path` with Prism on a free 127.0.0.1 port; yield its base URL (no slash).

    Waits until Prism answers. Its log goes to `log_path` (else a temporary file); the log's
    tail is printed on exit, so pytest shows it with a failing test. The process group is killed
    on exit. Fails (in CI) or skips (elsewhere) when Prism is not installed.
    """
    prism = require_tool("prism")
    spec = Path(spec_path).resolve()
    if not spec.is_file():
        raise FileNotFoundError(f"spec not found: {spec}")
    with tempfile.TemporaryDirectory(prefix="apigen-prism-") as scratch:
        log = log_path if log_path is not None else Path(scratch) / "prism.log"
        log.touch()
        for _attempt in range(PORT_ATTEMPTS):
            port = free_port()
            offset = log.stat().st_size
            process = _start(prism, spec, port, log, errors)
            try:
                ready = _wait_ready(process, port, log, offset)
            except BaseException:
                _stop(process)
                raise
            if ready:
                break
            if "EADDRINUSE" not in _log_since(log, offset):
                raise PrismStartError(
                    f"Prism exited with status {process.returncode} serving {spec}; log:\n{_tail(log)}"
                )
        else:
            raise PrismStartError(
                f"Prism found no free port in {PORT_ATTEMPTS} tries; log:\n{_tail(log)}"
            )
        try:
            yield f"http://{HOST}:{port}"
        finally:
            _stop(process)
            print(
                f"--- Prism log for {spec.name} (last {LOG_TAIL_LINES} lines) ---\n{_tail(log)}"
            )
