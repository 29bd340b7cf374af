"""Spectral (`@stoplight/spectral-cli`) with the `spectral:oas` ruleset: a second judge of specs.

`lint_spec(path)` runs `spectral lint --format json` with tests/support/spectral.yaml and
returns its findings as values; `errors(findings)` keeps the error-level ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from support import require_tool

RULESET: Final = Path(__file__).with_name("spectral.yaml")
"""`extends: ["spectral:oas"]`: the stock OpenAPI rules, nothing of our own."""
TIMEOUT_S: Final = 120.0
SEVERITIES: Final = ("error", "warn", "info", "hint")
"""Spectral's numeric severities 0..3, by name."""


class SpectralError(RuntimeError):
    """Spectral itself failed (bad ruleset, crash, unreadable output), as opposed to findings."""


@dataclass(frozen=True)
class SpectralFinding:
    """One rule violation: rule code, message, severity name, JSON path and 1-based line."""

    code: str
    message: str
    severity: str
    path: tuple[str, ...]
    line: int

    @property
    def pointer(self) -> str:
        """The location as a JSON pointer, e.g. `/paths/~1things/get`."""
        return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in self.path)

    def __str__(self) -> str:
        return f"line {self.line} {self.pointer or '/'}: {self.severity} {self.code}: {self.message}"


def _finding(raw: dict[str, Any]) -> SpectralFinding:
    return SpectralFinding(
        code=str(raw["code"]),
        message=str(raw["message"]),
        severity=SEVERITIES[int(raw["severity"])],
        path=tuple(str(p) for p in raw.get("path", [])),
        line=int(raw["range"]["start"]["line"]) + 1,
    )


def lint_spec(spec_path: str | os.PathLike[str]) -> list[SpectralFinding]:
    """Lint one spec file; findings sorted by line, then rule code. Fails/skips if not installed."""
    spectral = require_tool("spectral")
    spec = Path(spec_path).resolve()
    if not spec.is_file():
        raise FileNotFoundError(f"spec not found: {spec}")
    with tempfile.TemporaryDirectory(prefix="apigen-spectral-") as scratch:
        output = Path(scratch) / "findings.json"
        command = [
            str(spectral), "lint", "--quiet", "--ruleset", str(RULESET),
            "--format", "json", "--output", str(output), str(spec),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
                text=True,
                timeout=TIMEOUT_S,
                env={**os.environ, "NO_COLOR": "1", "SCARF_ANALYTICS": "false"},
            )
        except subprocess.TimeoutExpired as exc:
            raise SpectralError(
                f"spectral took longer than {TIMEOUT_S:.0f} s on {spec}"
            ) from exc
        # Exit 0: nothing at error level, 1: error-level findings; anything else is a crash.
        if done.returncode not in (0, 1) or not output.is_file():
            raise SpectralError(
                f"spectral exited {done.returncode} on {spec}: {(done.stderr + done.stdout).strip()}"
            )
        raw = json.loads(output.read_text(encoding="utf-8"))
    findings = [_finding(item) for item in raw]
    return sorted(findings, key=lambda f: (f.line, f.code, f.path, f.message))


def errors(findings: list[SpectralFinding]) -> list[SpectralFinding]:
    """Only the error-level findings (what must be empty for a spec we ship)."""
    return [f for f in findings if f.severity == "error"]
