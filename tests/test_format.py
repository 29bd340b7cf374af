"""Formatting in pieces gives exactly what black gives for the whole file.

`generator.output.format` cuts large modules into jobs at statement boundaries it finds by reading
lines; these tests cut small (so every module is cut, and big classes between members) and
compare each file with `black.format_str` on the whole text.
"""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from helpers import ROOT, rendered, synthetic_spec

from generator.cache import Cache
from generator.output.format import _MODE, Workers, _safe_run, _units, format_files


def _assert_no_piece_falls_back(files: dict[str, str], job_lines: int) -> None:
    """apigen's own output is cut where every job lines up: nothing is formatted twice."""
    for name, text in files.items():
        for job in (_units(text, job_lines) or []) if name.endswith(".py") else []:
            assert _safe_run(job) is not None, (name, job.body[:200])


def _assert_pieces_equal_whole(files: dict[str, str], tmp_path: Path, job_lines: int) -> None:
    formatted = format_files(files, jobs=1, cache=Cache("black", tmp_path), job_lines=job_lines)
    for name, text in files.items():
        if name.endswith(".py"):
            assert formatted[name] == black.format_str(text, mode=_MODE), name


@pytest.mark.parametrize("spec", ["specs/seed.yaml", "specs/learning.yaml", "tests/golden/edge/spec.yaml"])
def test_golden_modules_cut_small_format_as_whole_files(spec: str, tmp_path: Path) -> None:
    path = ROOT / spec
    files = rendered(path.read_text(encoding="utf-8"), spec)
    _assert_no_piece_falls_back(files, 20)
    _assert_pieces_equal_whole(files, tmp_path, 20)


def test_a_synthetic_graph_sdk_cut_small_formats_as_whole_files(tmp_path: Path) -> None:
    files = rendered(synthetic_spec(40, 80), "synthetic.json")
    client = _units(files["pkg/client.py"], 30)
    assert client is not None and len(client) > 20  # cut, the big class between members
    _assert_no_piece_falls_back(files, 30)
    _assert_pieces_equal_whole(files, tmp_path, 30)


UNLAID = '''"""A module.

Lines of the docstring at column 0:
def not_a_statement(): pass
"""

import os
# a comment before a function
@decorator(
    argument,
)
@other
def f(a,b):
    return {"key": [1,2,3]}
if os.name:
    x = 1
else:
    x = 2
class Big:
    """Doc."""
{members}
values = [
1, 2,
]
'''


def test_hand_written_code_cut_anywhere_formats_as_the_whole_file(tmp_path: Path) -> None:
    members = "".join(f"    @property\n    def m{i}(self): return {i}\n" for i in range(60))
    text = UNLAID.replace("{members}", members)
    jobs = _units(text, 3)
    assert jobs is not None and len(jobs) > 30  # statements and the class's members apart
    for job_lines in (1, 3, 7, 50):
        _assert_pieces_equal_whole({"m.py": text}, tmp_path / str(job_lines), job_lines)


def test_single_quoted_triple_strings_are_formatted_whole(tmp_path: Path) -> None:
    text = "x = '''\ndef f(): pass\n'''\n" + "y = 1\n" * 50
    assert _units(text, 5) is None
    _assert_pieces_equal_whole({"m.py": text}, tmp_path, 5)


def test_worker_processes_give_the_same_files(tmp_path: Path) -> None:
    files = rendered(synthetic_spec(60, 120), "synthetic.json")
    assert sum(text.count("\n") for text in files.values()) > 8000  # enough to use workers
    alone = format_files(files, jobs=1, cache=Cache("black", tmp_path / "alone"))
    with Workers(2) as workers:
        assert workers.pool is not None
        shared = format_files(files, cache=Cache("black", tmp_path / "shared"), workers=workers)
    assert shared == alone


def test_texts_known_to_be_formatted_pass_through_and_others_do_not(tmp_path: Path) -> None:
    cache = Cache("black", tmp_path / "cache")
    files = {"a.py": "x  =  1\n", "b.py": "x  =  1\n\n\n\ny = 2\n", "c.txt": "x  =  1\n"}
    out = format_files(files, jobs=1, cache=cache, formatted={"x  =  1\n"})
    assert out == {"a.py": "x  =  1\n", "b.py": "x = 1\n\n\ny = 2\n", "c.txt": "x  =  1\n"}


def test_the_bundled_runtime_files_are_the_texts_a_build_skips() -> None:
    from generator.sdk.render import verbatim_texts

    folder = ROOT / "templates" / "package" / "__package__"
    names = sorted(p.name for p in folder.glob("*.py"))
    assert names == [
        "_auth.py",
        "_batch.py",
        "_bounded.py",
        "_endpoint.py",
        "_fake.py",
        "_fake_query.py",
        "_http.py",
        "_paging.py",
        "_response.py",
        "_retry.py",
        "_runtime.py",
        "_transport.py",
        "_upload.py",
        "_validation.py",
        "errors.py",
    ]
    assert verbatim_texts() == {(folder / n).read_text(encoding="utf-8") for n in names}
    # What makes skipping them safe: black leaves each as it is (see test_layout.py too).
    for text in verbatim_texts():
        assert black.format_str(text, mode=_MODE) == text


def test_an_unchanged_file_is_found_whole_without_being_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.output.format as format_module

    cache = Cache("black", tmp_path / "cache")
    files = {"m.py": "x  =  1\n" * 3000, "n.py": "y = [\n  1,2]\n"}
    first = format_files(files, jobs=1, cache=cache, job_lines=500)
    assert first["m.py"] == "x = 1\n" * 3000 and first["n.py"] == "y = [1, 2]\n"

    def refuse(text: str, job_lines: int) -> None:
        raise AssertionError("an unchanged file was cut into jobs again")

    monkeypatch.setattr(format_module, "_units", refuse)
    assert format_files(files, jobs=1, cache=cache, job_lines=500) == first
