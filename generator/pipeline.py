"""The stages put together: pages -> spec -> IR -> files, as plain functions.

Everything here returns values; only `write_*` touches the disk, and only at the end.
The CLI and the Python API (`generator.api`) are thin layers over these functions.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

from generator.cache import Cache, key, prune_if_due
from generator.config import BuildConfig
from generator.diff.versioning import CHANGELOG, RELEASE, SPEC_COPY, Release, next_release
from generator.errors import InputError
from generator.output.fingerprint import FINGERPRINT, fingerprint_text, inputs_key, up_to_date
from generator.output.format import PARALLEL_MIN_SPEC_CHARS, Workers, format_files
from generator.output.write import (
    diff_text,
    diff_tree,
    read_manifest,
    refuse_symlinked,
    write_file,
    write_tree,
)
from generator.pages import build as build_stage
from generator.pages import parse as parse_stage
from generator.pages.diagnostics import all_diagnostics
from generator.pages.links import follow_links
from generator.pages.model import Page
from generator.pages.operations import partial_bodies
from generator.pages.typemodel import BuildDiagnostic
from generator.progress import QUIET, Progress
from generator.sdk.escape import Code
from generator.sdk.ir import Api
from generator.sdk.load import load_api
from generator.sdk.render import PackageInfo, render_package, verbatim_texts
from generator.spec.io import SpecFile, parse_spec_text, read_spec, read_text
from generator.spec.overlay import apply_overlay
from generator.spec.refs import bundle, may_have_external_refs
from generator.spec.sections import parse_spec
from generator.spec.subset import EVERYTHING, Selection, subset_spec
from generator.spec.validate import Judge, Verdict, validate_spec
from generator.spec.validity import validity_digest


def page_paths(paths: Sequence[Path]) -> list[Path]:
    """Pages named directly, plus the `.md` files of any folder named (sorted)."""
    result: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.is_file())
            if not found:
                raise InputError("the folder holds no .md pages", file=str(path))
            result.extend(found)
        else:
            result.append(path)
    return result


def read_pages(paths: Sequence[Path]) -> list[Page]:
    """The reference pages among ``paths`` (see `Page.kind`, which lint goes by too).

    A file named directly must be a reference page; in a folder, other Markdown (a README,
    a permissions include) is passed over. Pages that give the spec nothing (no API or
    resource page at all) are an `InputError`, not an empty spec."""
    named = {path for path in paths if not path.is_dir()}
    pages: list[Page] = []
    for path in page_paths(paths):
        page = parse_stage.parse_page(path)
        if page.kind is not None:
            pages.append(page)
        elif path in named:
            raise InputError(
                "not a Graph reference page: no doc_type front matter, HTTP request block "
                "or resource JSON block",
                file=str(path),
            )
    if not any(p.is_api_page or p.is_resource_page for p in pages):
        where = ", ".join(str(p) for p in paths)
        raise InputError(f"no API or resource page among {where}: the spec would be empty")
    return pages


@dataclass(frozen=True)
class PagesSpec:
    """A spec built from pages, and what the build could not say faithfully (page and
    build diagnostics, each at its file and line), for warnings and `--strict`."""

    text: str
    warnings: tuple[BuildDiagnostic, ...]


def spec_from_pages(
    pages: Sequence[Path], overlay: Path | None = None, pages_root: Path | None = None
) -> PagesSpec:
    """parse + build: pages to the spec's YAML text and its warnings. With ``pages_root``,
    the resource pages the pages' type links reach under it are read too."""
    parsed = read_pages(pages)
    notes: tuple[BuildDiagnostic, ...] = ()
    if pages_root is not None:
        followed = follow_links(parsed, pages_root)
        parsed += followed.pages
        notes = followed.diagnostics
    result = build_stage.build(parsed, notes=notes)
    spec, warnings = result.spec, all_diagnostics(parsed, result)
    if overlay is not None:
        overlaid = apply_overlay(spec, read_spec(overlay))
        spec = overlaid.spec
        # The update bodies' copies of entity properties take the overlay's changes too.
        partial_bodies(spec["paths"], spec["components"]["schemas"])
        warnings += tuple(
            BuildDiagnostic(
                str(overlay),
                u.line,
                "overlay-unmatched",
                f"overlay target {u.target} matches nothing; the action changes nothing",
            )
            for u in overlaid.unmatched
        )
    return PagesSpec(build_stage.dump_yaml(spec), warnings)


def spec_text_from_pages(
    pages: Sequence[Path], overlay: Path | None = None, pages_root: Path | None = None
) -> str:
    """parse + build: pages to the spec's YAML text (see `spec_from_pages`)."""
    return spec_from_pages(pages, overlay, pages_root).text


def read_spec_or_pages(path: Path) -> SpecFile:
    """A spec to compare or lint: a spec file as it is, or pages (a `.md` file or a folder
    of them) built into one; either way validated."""
    if path.is_dir() or path.suffix.lower() == ".md":
        spec = parse_spec_text(spec_text_from_pages([path]), str(path))
    else:
        spec = read_spec(path)
    validate_spec(spec)
    return spec


_R = TypeVar("_R")
_VALIDATOR_KEY = f"openapi-spec-validator {version('openapi-spec-validator')}"


def load_spec_text(
    text: str, source: str, progress: Progress = QUIET, selection: Selection = EVERYTHING
) -> Api:
    """load: spec text (or the subset ``selection`` keeps) to the IR, validated (the
    verdict on a given text and selection is cached); its warnings name no line."""
    return _generate(text, source, selection, progress, lambda api, _: api)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cycle collector less often: the spec, the IR and the rendered text are
    millions of long-lived objects without cycles, and each full collection walks them all
    (with the default thresholds, a third of a rebuild at 2,000 schemas went to it)."""
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _generate(
    text: str,
    source: str,
    selection: Selection,
    progress: Progress,
    work: Callable[[Api, Workers], _R],
    jobs: int | None = 1,
    warnings: list[str] | None = None,
) -> _R:
    """load, then ``work`` on the IR while openapi-spec-validator judges the spec (see
    `Verdict`); ``work``'s result is returned only once the spec is found valid. What the
    SDK cannot express faithfully is added to ``warnings``.

    The IR builder reads an unvalidated spec defensively (it refuses what it cannot use
    with an InputError), and anything it or ``work`` raises is reported as the validator's
    error when the spec is invalid, so a bad spec reads the same as before."""
    # Black's workers are forked before the spec makes this process large (a small spec
    # is formatted here); a small spec gets the validator's own process, once it is known
    # that the verdict is not cached.
    prune_if_due()  # before this build adds to the cache
    large = len(text) >= PARALLEL_MIN_SPEC_CHARS
    with Workers(jobs if large else 1) as workers, ExitStack() as stack, _few_collections():
        progress.stage("load")
        read = parse_spec(text, source, Cache("yaml"))
        spec, spec_digest = read.spec, read.digest
        del read  # no reference to the spec's data but `spec` (see below)
        if may_have_external_refs(text):
            bundled = bundle(spec)  # files beside the spec that its `$ref`s name
            if bundled is not spec:
                spec, spec_digest = bundled, None
        if not selection.is_everything():
            spec = SpecFile(spec.path, subset_spec(spec.data, selection), spec.text)
            spec_digest = None
        valid = Cache("valid")
        digest = key(_VALIDATOR_KEY, spec_digest or validity_digest(spec.data), repr(selection))
        verdict = None
        if valid.get(digest) != "valid":
            judge = None if large or jobs == 1 else stack.enter_context(Judge())
            verdict = Verdict(spec, judge)  # it checks the `$ref`s before the validator runs
        try:
            api = load_api(spec, validate=False, locate_warnings=warnings is not None)
            if warnings is not None:
                warnings.extend(api.warnings)
            del spec  # rendering needs only the IR: the spec goes once the validator is done
            result = work(api, workers)
            # The IR goes before the collector's thresholds are restored (unless ``work``
            # returned it): its first full collection would walk it, a tenth of a rebuild.
            del api
        except Exception:
            if verdict is not None:
                verdict.wait()  # an invalid spec's own error explains the failure best
            raise
        if verdict is not None:
            verdict.wait()
            valid.put(digest, "valid")
        return result


def generate_files(
    api: Api,
    info: PackageInfo,
    templates: Path | None = None,
    *,
    progress: Progress = QUIET,
    workers: Workers | None = None,
) -> dict[str, str]:
    """render + format: the IR to the SDK project's files (formatted in ``workers`` when
    given, else in workers of its own if the output is large)."""
    progress.stage("render")
    rendered = render_package(api, info, templates)
    progress.stage("format")
    return format_files(
        rendered, progress=progress.count, workers=workers, formatted=verbatim_texts()
    )


@dataclass(frozen=True)
class BuildOutcome:
    """What one build produced, or (in check mode) how the disk differs from it."""

    name: str
    spec_path: Path
    output: Path
    files: int
    stale: str = ""  # a unified diff; empty when nothing is stale
    # What the SDK cannot express faithfully (each naming its JSON pointer); with
    # ``strict``, nothing was written because of them.
    warnings: tuple[str, ...] = ()
    page_warnings: tuple[BuildDiagnostic, ...] = ()  # what the pages could not say faithfully


def run_build(
    build: BuildConfig,
    *,
    check: bool,
    jobs: int | None = None,
    progress: Progress = QUIET,
    strict: bool = False,
) -> BuildOutcome:
    """The configured pipeline for one build; with ``check`` nothing is written, nor with
    ``strict`` when there are warnings."""
    # Before any work: what this build writes (and, with --check, shows in a diff) must not
    # be reached through a planted symlink, and nothing is written when one is.
    refuse_symlinked(build.output.absolute(), "output folder")
    if build.pages:
        refuse_symlinked(build.spec.absolute(), "spec")
    progress.stage("spec")
    page_warnings: tuple[BuildDiagnostic, ...] = ()
    if build.pages:
        from_pages = spec_from_pages(build.pages, build.overlay, build.pages_root)
        spec_text, page_warnings = from_pages.text, from_pages.warnings
    else:
        spec_text = read_text(build.spec)
    example = read_text(build.example) if build.example is not None else None
    if build.example is not None and example is not None and "```" in example:
        # It is shown inside a Markdown code block, which this would end.
        raise InputError("an example app cannot hold ``` (it is shown in a code block)", file=str(build.example))
    inputs = inputs_key(
        spec_text,
        build.templates,
        example or "",
        build.package,
        build.distribution,
        build.version,
        build.version_policy,
        repr(build.selection),
    )
    spec_current = not build.pages or (build.spec.is_file() and read_text(build.spec) == spec_text)
    # The fingerprint covers the spec's text, not the files its `$ref`s name: with those,
    # the spec is always generated anew.
    fresh = spec_current and not may_have_external_refs(spec_text)
    if check and fresh and up_to_date(build.output, inputs):
        return BuildOutcome(
            build.name,
            build.spec,
            build.output,
            len(read_manifest(build.output) or []),
            page_warnings=page_warnings,
        )

    def generate(api: Api, workers: Workers) -> tuple[Release, dict[str, str]]:
        release = next_release(
            build.output, spec_text, api.title or build.name, build.version, build.version_policy
        )
        info = PackageInfo(
            package=build.package,
            distribution=build.distribution,
            version=release.version,
            # The build's own file, shown as it is (trusted as the templates are).
            example=Code(example.rstrip()) if example is not None else None,
        )
        files = generate_files(api, info, build.templates, progress=progress, workers=workers)
        return release, files

    warnings: list[str] = []
    release, files = _generate(
        spec_text, str(build.spec), build.selection, progress, generate, jobs, warnings
    )
    files[SPEC_COPY] = spec_text
    files[CHANGELOG] = release.changelog
    files[RELEASE] = release.record
    files[FINGERPRINT] = fingerprint_text(inputs, files)
    progress.stage("write")
    if check:
        stale = ""
        if build.pages:
            old = build.spec.read_text(encoding="utf-8") if build.spec.is_file() else ""
            stale += diff_text(old, spec_text, build.spec.name)
        stale += diff_tree(build.output, files)
        return BuildOutcome(
            build.name, build.spec, build.output, len(files), stale, tuple(warnings), page_warnings
        )
    if strict and warnings:
        return BuildOutcome(
            build.name, build.spec, build.output, 0, "", tuple(warnings), page_warnings
        )
    if build.pages:
        write_file(build.spec, spec_text)
    write_tree(build.output, files)
    return BuildOutcome(
        build.name, build.spec, build.output, len(files), "", tuple(warnings), page_warnings
    )


def generate_output(
    spec_text: str,
    source: str,
    info: PackageInfo,
    *,
    templates: Path | None = None,
    selection: Selection = EVERYTHING,
    jobs: int | None = None,
    progress: Progress = QUIET,
    warnings: list[str] | None = None,
) -> dict[str, str]:
    """Everything `apigen generate` writes for a spec text, its fingerprint included; what
    the SDK cannot express faithfully is added to ``warnings``."""
    inputs = _generate_inputs(spec_text, info, templates, selection)
    files = _generate(
        spec_text,
        source,
        selection,
        progress,
        lambda api, workers: generate_files(
            api, info, templates, progress=progress, workers=workers
        ),
        jobs,
        warnings,
    )
    files[FINGERPRINT] = fingerprint_text(inputs, files)
    return files


def _generate_inputs(
    spec_text: str, info: PackageInfo, templates: Path | None, selection: Selection
) -> str:
    return inputs_key(
        spec_text,
        templates,
        "generate",
        info.package,
        info.distribution,
        info.version,
        repr(selection),
    )


def run_generate(
    spec_path: Path,
    output: Path,
    info: PackageInfo,
    *,
    check: bool,
    templates: Path | None = None,
    selection: Selection = EVERYTHING,
    jobs: int | None = None,
    progress: Progress = QUIET,
    strict: bool = False,
) -> BuildOutcome:
    """`apigen generate`: one spec to one SDK project (no version record, unlike builds);
    with ``strict``, nothing is written when there are warnings."""
    refuse_symlinked(output.absolute(), "output folder")
    spec_text = read_text(spec_path)
    if (
        check
        and not may_have_external_refs(spec_text)
        and up_to_date(output, _generate_inputs(spec_text, info, templates, selection))
    ):
        return BuildOutcome("generate", spec_path, output, len(read_manifest(output) or []))
    warnings: list[str] = []
    files = generate_output(
        spec_text,
        str(spec_path),
        info,
        templates=templates,
        selection=selection,
        jobs=jobs,
        progress=progress,
        warnings=warnings,
    )
    found = tuple(warnings)
    if check:
        stale = diff_tree(output, files)
        return BuildOutcome("generate", spec_path, output, len(files), stale, found)
    if strict and found:
        return BuildOutcome("generate", spec_path, output, 0, "", found)
    if output.is_dir() and SPEC_COPY in (read_manifest(output) or []):
        # Generating over it would reset the version and drop the CHANGELOG a build keeps.
        raise InputError(
            f"the folder is managed by `apigen build` (it keeps {CHANGELOG} and the version); "
            "run `apigen build`, or generate into another folder",
            file=str(output),
        )
    write_tree(output, files)
    return BuildOutcome("generate", spec_path, output, len(files), "", found)
