"""What the generated clients send, over the peers' OpenAPI suites: bodies and answers by
encoding, parameter styles, cookie parameters, security schemes, server variables, file
refs, and the warnings for what cannot be sent.

    python bench/wire_report.py [FOLDER]     (default: ../shared/corpus/openapi-suites)

Reads every `.yaml`/`.yml`/`.json` document with `paths` under FOLDER, bundles its file
refs and loads it into the IR as `apigen generate` does (without the validator), and
prints the counts; a document the loader refuses is counted with its first error.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.errors import InputError  # noqa: E402
from generator.sdk.load import load_api  # noqa: E402
from generator.spec.io import read_spec  # noqa: E402
from generator.spec.refs import bundle, may_have_external_refs  # noqa: E402


def main(folder: Path) -> None:
    counts: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json")):
        try:
            spec = read_spec(path)
            if not isinstance(spec.data.get("paths"), dict):
                continue
            counts["documents with paths"] += 1
            if may_have_external_refs(spec.text or path.read_text(encoding="utf-8")):
                bundled = bundle(spec)
                counts["documents with file refs bundled"] += bundled is not spec
                spec = bundled
            api = load_api(spec, validate=False)
        except InputError as exc:
            refused[exc.message.split(":")[0][:60]] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - a crash is a figure too
            refused[f"CRASH {type(exc).__name__}"] += 1
            continue
        counts["documents loaded"] += 1
        counts["warnings"] += len(api.warnings)
        counts["servers with variables"] += sum(1 for s in api.servers if s.variables)
        for scheme in api.security_schemes:
            counts[f"security scheme {scheme.kind} {scheme.location}".strip()] += 1
        for op in api.operations:
            counts["operations"] += 1
            counts["operations with own security"] += op.security is not None
            if op.request_body is not None:
                counts[f"request body {op.request_body.encoding}"] += 1
            success = op.success
            if success is not None and success.type is not None:
                counts[f"answer {success.encoding}"] += 1
            for param in op.parameters:
                counts[f"parameter in {param.location}"] += 1
                if not param.default_style:
                    counts[f"parameter style {param.style} explode={param.explode}"] += 1
    for name, value in sorted(counts.items()):
        print(f"{value:6d}  {name}")
    print(f"{sum(refused.values()):6d}  refused by the loader:")
    for reason, value in refused.most_common():
        print(f"{value:10d}  {reason}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/corpus/openapi-suites")
