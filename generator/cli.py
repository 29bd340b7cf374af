"""The `apigen` command line: a thin layer over `generator.pipeline`, lint and diff.

Exit codes: 0 ok; 1 findings, stale output or breaking changes; 2 bad input or usage
(one line on stderr naming the file, line or JSON pointer; never a traceback).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.config import BuildConfig, find_config, seed_build
from generator.errors import InputError, printable
from generator.output.write import write_file
from generator.pages.diagnostics import warning_text
from generator.pages.typemodel import BuildDiagnostic
from generator.pipeline import (
    load_spec_text,
    read_spec_or_pages,
    run_build,
    run_generate,
    spec_from_pages,
)
from generator.progress import Progress
from generator.sdk.identity import distribution_problem, package_problem, version_problem
from generator.sdk.naming import module_name
from generator.sdk.render import PackageInfo
from generator.spec.io import read_text
from generator.spec.subset import Selection

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: whoever read stdout stopped reading


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line (as all bad input does)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        verb = " ".join(self.prog.split()[1:])
        where = f"apigen {verb} --help" if verb else "apigen --help"
        self.exit(EXIT_BAD_INPUT, f"apigen: {message} (see `{where}`)\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 up, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apigen", description="Graph-style API pages to OpenAPI specs and typed Python SDKs."
    )
    parser.add_argument("--version", action="version", version=f"apigen {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and results")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what each step did")
    # -q/-v work before or after the verb; SUPPRESS keeps a verb's parser from resetting them.
    common = _Parser(add_help=False)
    common.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    spec = verbs.add_parser(
        "spec",
        parents=[common],
        help="build one OpenAPI spec from pages",
        description="Build one OpenAPI spec from API/resource pages (files or folders).",
        epilog="example: apigen spec specs/pages/learningselfinitiatedcourse-update.md -o specs/seed.yaml",
    )
    spec.add_argument("pages", nargs="+", type=Path, help="pages or folders of pages")
    spec.add_argument(
        "-o", "--output", type=Path, required=True, help="the spec file to write (YAML)"
    )
    spec.add_argument(
        "--overlay", type=Path, help="an OpenAPI Overlay 1.0 file applied to the built spec"
    )
    spec.add_argument(
        "--pages-root",
        type=Path,
        help="the docs tree: follow the pages' type links to resource pages under it",
    )
    spec.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the spec file is stale"
    )
    _strict_option(spec)

    gen = verbs.add_parser(
        "generate",
        parents=[common],
        help="generate the SDK project for a spec",
        description="Generate a typed Python SDK project from an OpenAPI 3.0 spec.",
        epilog="example: apigen generate specs/seed.yaml -o generated/seed --package seed_sdk",
    )
    gen.add_argument("spec", type=Path, help="the OpenAPI spec (YAML or JSON)")
    gen.add_argument("-o", "--output", type=Path, required=True, help="the SDK project folder")
    gen.add_argument("--package", help="the Python package name (default: from the folder name)")
    gen.add_argument(
        "--distribution", help="the distribution name (default: the package name with -)"
    )
    gen.add_argument(
        "--version", dest="package_version", default="1.0.0", help="the package version"
    )
    gen.add_argument("--templates", type=Path, help="a folder of template overrides")
    gen.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with a diff if stale"
    )
    gen.add_argument(
        "-j", "--jobs", type=_positive, help="worker processes for formatting (default: all CPUs)"
    )
    gen.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 and write nothing when the SDK cannot express part of the spec",
    )
    subset = gen.add_argument_group("generate a subset (repeatable; paths take * and **)")
    subset.add_argument("--include-path", action="append", default=[], metavar="PATTERN")
    subset.add_argument("--exclude-path", action="append", default=[], metavar="PATTERN")
    subset.add_argument("--include-tag", action="append", default=[], metavar="TAG")
    subset.add_argument("--exclude-tag", action="append", default=[], metavar="TAG")

    build = verbs.add_parser(
        "build",
        parents=[common],
        help="run the configured builds (default: the bundled seed page)",
        description="Run every build of [tool.apigen] in ./pyproject.toml (or apigen.toml); "
        "with no config, build the bundled seed page into specs/seed.yaml and generated/seed.",
        epilog="example: apigen build --check",
    )
    build.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with a diff if stale"
    )
    build.add_argument(
        "--only", action="append", default=[], help="run only the build of this name"
    )
    build.add_argument(
        "-j", "--jobs", type=_positive, help="worker processes for formatting (default: all CPUs)"
    )
    _strict_option(build)

    init = verbs.add_parser(
        "init",
        parents=[common],
        help="write a commented starting config for a folder of pages",
        description="Write apigen.toml with one build for a folder of pages.",
        epilog="example: apigen init docs/pages",
    )
    init.add_argument("pages", type=Path, help="the folder of pages")
    init.add_argument(
        "-o", "--output", type=Path, default=Path("apigen.toml"), help="the config file to write"
    )

    diff = verbs.add_parser(
        "diff",
        parents=[common],
        help="classify the changes between two specs (or two page versions)",
        description="Compare two OpenAPI specs, or two versions of pages (.md files or folders), "
        "and classify every change for SDK users as breaking, non-breaking or info.",
        epilog="example: apigen diff old/seed.yaml specs/seed.yaml --format markdown --fail-on breaking",
    )
    diff.add_argument("old", type=Path, help="the old spec, page or folder of pages")
    diff.add_argument("new", type=Path, help="the new spec, page or folder of pages")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "any", "none"),
        default="breaking",
        help="exit 1 on breaking changes (default), on any change, or never",
    )

    lint = verbs.add_parser(
        "lint",
        parents=[common],
        help="lint pages and specs",
        description="Lint Graph reference pages (.md) and OpenAPI specs (.yaml/.yml/.json), or folders of "
        "them. Rule levels come from [tool.apigen.lint] in ./pyproject.toml (or apigen.toml).",
        epilog="example: apigen lint specs/ --format sarif > lint.sarif; "
        "apigen lint docs/ --metadata v1.0.csdl",
    )
    lint.add_argument("paths", nargs="+", type=Path, help="pages, specs or folders of them")
    lint.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="output format",
    )
    lint.add_argument(
        "--metadata",
        type=Path,
        metavar="FILE",
        help="also check pages against this service metadata (OData CSDL, e.g. Graph's "
        "$metadata); overrides [tool.apigen.lint] metadata",
    )
    lint.add_argument(
        "--fail-severity",
        choices=("error", "warning", "info"),
        default="error",
        help="exit 1 when a finding is at or above this severity (default: error)",
    )
    return parser


def _strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on any warning, before anything is written (also `strict = true` in config)",
    )


def _strict(args: argparse.Namespace) -> bool:
    """--strict, or `strict = true` in the config of the current folder."""
    if args.strict:
        return True
    config = find_config(Path.cwd())
    return config is not None and config.strict


def _warn(args: argparse.Namespace, warnings: Sequence[BuildDiagnostic]) -> None:
    """Each warning on stderr (-q hides them)."""
    if not args.quiet:
        for warning in warnings:
            shown = replace(warning, source=_shown(Path(warning.source)))
            print(f"apigen: warning: {printable(warning_text(shown))}", file=sys.stderr)


def _refuse(warnings: Sequence[BuildDiagnostic], what: str) -> int:
    """--strict and warnings: say so (even with -q: it is why the command failed)."""
    count = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    print(f"apigen: {count} and --strict: {what}", file=sys.stderr)
    return EXIT_FINDINGS


def _cmd_spec(args: argparse.Namespace) -> int:
    from_pages = spec_from_pages(args.pages, args.overlay, args.pages_root)
    text = from_pages.text
    _warn(args, from_pages.warnings)
    if from_pages.warnings and _strict(args):
        return _refuse(from_pages.warnings, "nothing written")
    if args.check:
        old = read_text(args.output) if args.output.is_file() else ""
        if old != text:
            print(f"{args.output}: stale; run `apigen spec` to refresh it", file=sys.stderr)
            return EXIT_FINDINGS
        return EXIT_OK
    load_spec_text(text, str(args.output))  # never write a spec the generator would refuse
    write_file(args.output, text)
    if not args.quiet:
        print(f"wrote {args.output}")
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    package = args.package or module_name(args.output.resolve().name)
    distribution = args.distribution or package.replace("_", "-")
    for option, problem in (
        ("--package", package_problem(package)),
        ("--distribution", distribution_problem(distribution)),
        ("--version", version_problem(args.package_version)),
    ):
        if problem is not None:
            raise InputError(f"{option} {problem}")
    if args.templates is not None and not args.templates.is_dir():
        raise InputError("--templates: not a folder", file=str(args.templates))
    info = PackageInfo(package, distribution, args.package_version)
    selection = Selection(
        tuple(args.include_path),
        tuple(args.exclude_path),
        tuple(args.include_tag),
        tuple(args.exclude_tag),
    )
    progress = Progress.for_terminal("generate", args.quiet)
    started = time.perf_counter()
    strict = _strict(args)
    try:
        outcome = run_generate(
            args.spec,
            args.output,
            info,
            check=args.check,
            templates=args.templates,
            selection=selection,
            jobs=args.jobs,
            progress=progress,
            strict=strict,
        )
    finally:
        progress.clear()
    _say(args, f"{outcome.files} files in {time.perf_counter() - started:.2f}s")
    if _warned(args, outcome.warnings, strict):
        return EXIT_FINDINGS
    if args.check:
        if outcome.stale:
            sys.stdout.write(outcome.stale)
            print(f"{args.output}: stale; run `apigen generate` to refresh it", file=sys.stderr)
            return EXIT_FINDINGS
        return EXIT_OK
    if not args.quiet:
        print(f"wrote {outcome.files} files to {args.output}")
    return EXIT_OK


def _warned(args: argparse.Namespace, found: Sequence[str], strict: bool) -> bool:
    """Print what the SDK cannot express (always with --strict, else unless --quiet); True
    when --strict makes them a failure (and nothing was written)."""
    if strict or not args.quiet:
        for text in found:
            print(f"apigen: warning: {printable(text)}", file=sys.stderr)
    if strict and found:
        print(f"apigen: {len(found)} warnings; nothing written (--strict)", file=sys.stderr)
        return True
    return False


def _say(args: argparse.Namespace, text: str) -> None:
    """--verbose detail, on stderr so stdout keeps only results."""
    if args.verbose and not args.quiet:
        print(f"apigen: {text}", file=sys.stderr)


def _builds(only: Sequence[str]) -> list[BuildConfig]:
    config = find_config(Path.cwd())
    builds = list(config.builds) if config is not None else [seed_build(Path.cwd())]
    if only:
        unknown = sorted(set(only) - {b.name for b in builds})
        if unknown:
            raise InputError(
                f"no build named {', '.join(unknown)}; known: {', '.join(b.name for b in builds)}"
            )
        builds = [b for b in builds if b.name in only]
    return builds


def _cmd_build(args: argparse.Namespace) -> int:
    status = EXIT_OK
    builds = _builds(args.only)
    strict = _strict(args)
    if strict:
        # Every build's pages first: with --strict a warning anywhere means nothing is written.
        warnings = [
            w
            for b in builds
            if b.pages
            for w in spec_from_pages(b.pages, b.overlay, b.pages_root).warnings
        ]
        if warnings:
            _warn(args, warnings)
            return _refuse(warnings, "nothing written")
    for build in builds:
        progress = Progress.for_terminal(build.name, args.quiet)
        started = time.perf_counter()
        try:
            outcome = run_build(
                build, check=args.check, jobs=args.jobs, progress=progress, strict=strict
            )
        finally:
            progress.clear()
        _warn(args, outcome.page_warnings)
        _say(args, f"{build.name}: {time.perf_counter() - started:.2f}s")
        if _warned(args, outcome.warnings, strict):
            status = EXIT_FINDINGS
            continue
        if args.quiet and not outcome.stale:
            continue
        if args.check:
            if outcome.stale:
                sys.stdout.write(outcome.stale)
                print(f"{build.name}: stale; run `apigen build` to refresh it", file=sys.stderr)
                status = EXIT_FINDINGS
            else:
                print(f"{build.name}: up to date ({outcome.files} files)")
        else:
            spec_note = f"{_shown(outcome.spec_path)} and " if build.pages else ""
            print(
                f"{build.name}: wrote {spec_note}{outcome.files} files to {_shown(outcome.output)}"
            )
    return status


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _cmd_diff(args: argparse.Namespace) -> int:
    from generator import diff

    report = diff.diff_specs(read_spec_or_pages(args.old).data, read_spec_or_pages(args.new).data)
    renderers = {
        "text": diff.render_text,
        "json": diff.render_json,
        "markdown": diff.render_markdown,
    }
    text = renderers[args.format](report)
    if args.format == "json":
        _machine_output(text)
    else:
        sys.stdout.write(text)
    return EXIT_FINDINGS if diff.should_fail(report, args.fail_on) else EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from generator.init import init_config

    init_config(args.pages, args.output)
    if not args.quiet:
        print(f"wrote {args.output}; run `apigen build` to build {args.pages}")
    return EXIT_OK


def _cmd_lint(args: argparse.Namespace) -> int:
    import dataclasses
    import os

    from generator import lint

    config = find_config(Path.cwd())
    settings = (
        lint.settings_from_config(config.lint, config.source)
        if config is not None
        else lint.LintSettings()
    )
    if args.metadata is not None:
        settings = dataclasses.replace(settings, metadata=args.metadata)
    report = lint.lint_paths(args.paths, settings)
    if args.format == "text":
        sys.stdout.write(
            lint.render_text(report, sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        )
    else:
        renderers = {
            "json": lint.render_json,
            "sarif": lint.render_sarif,
            "github": lint.render_github,
        }
        text = renderers[args.format](report)
        if args.format == "github":
            sys.stdout.write(text)
        else:
            _machine_output(text)
    return EXIT_FINDINGS if lint.should_fail(report, args.fail_severity) else EXIT_OK


_COMMANDS = {
    "spec": _cmd_spec,
    "generate": _cmd_generate,
    "build": _cmd_build,
    "diff": _cmd_diff,
    "init": _cmd_init,
    "lint": _cmd_lint,
}


def _machine_output(text: str) -> None:
    """JSON and SARIF are UTF-8 by their specifications, whatever the locale says."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    # apigen's own warnings (an untrusted cache folder, ...) are one line for the user.
    print(f"apigen: warning: {printable(str(message))}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    # A locale that cannot spell a page's text (LANG=C on an old system, ISO-8859-1) shows
    # escapes instead of failing half way through the output.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    warnings.showwarning = _show_warning
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.verb](args)
    except InputError as exc:
        print(f"apigen: {exc}", file=sys.stderr)  # InputError prints itself safely
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        raise  # the reader stopped reading: `run` ends quietly with 141
    except OSError as exc:
        # The file system said no (a full or read-only disk, a name too long, a folder where
        # a file is, no permission): the user's environment, told in one line, not a bug.
        where = printable(str(exc.filename)) + ": " if exc.filename else ""
        reason = exc.strerror or type(exc).__name__
        print(f"apigen: {where}{printable(reason)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("apigen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> None:
    """The `apigen` command: `main`, then a quick exit.

    Once `main` has returned, every file is written and closed and every worker process
    and thread is joined; what is left is the interpreter's teardown of the several
    hundred modules black, Jinja and the rest bring in, about 0.1 s of each run. So the
    output is flushed and the process ends at once, unless a tracer or profiler (coverage,
    cProfile) is running: those write their results at a normal exit.
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Whoever read the output stopped (`apigen ... | head`): nothing more can be shown,
        # and Python must not try to flush it again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_BROKEN_PIPE
    sys.stderr.flush()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        raise SystemExit(code)
    os._exit(code)
