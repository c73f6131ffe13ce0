"""The ``fieldgrad`` command: list and run the worked examples (scenarios).

A scenario is a script ``scenarios/<name>.py`` that defines
``run(outdir, quick=False) -> dict`` (see ``DESIGN.md``).  The scenarios ship
with the package as ``fieldgrad.scenarios`` (the repository's ``scenarios/``
folder); the environment variable ``FIELDGRAD_SCENARIOS`` names a folder of
your own to use instead::

    fieldgrad list
    fieldgrad run polar_lobes inverse_square --quick
    fieldgrad run all --out results/

``run`` exits with status 0 when every row of every report is ok, 1 when a
row is not ok or a scenario failed, 2 for usage errors (an unknown scenario
name, an ``--out`` that is not a writable folder) and 130 when interrupted.
Every failure is one line ``fieldgrad: ...`` on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib.metadata
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import fieldgrad
from fieldgrad._discovery import (
    ENV_VAR,
    Scenario,
    discover,
    load_scenario,
    scenarios_dir,
    user_dirs,
)
from fieldgrad._progress import Progress

__all__ = [
    "ENV_VAR",
    "Scenario",
    "ScenarioResult",
    "discover",
    "load_scenario",
    "main",
    "run_example",
    "run_scenario",
    "scenarios_dir",
    "user_dirs",
    "version",
]

#: Environment variables read when a scenario runs as a script (:func:`run_example`).
QUICK_ENV_VAR, OUT_ENV_VAR = "FIELDGRAD_QUICK", "FIELDGRAD_OUT"
#: Values of ``FIELDGRAD_QUICK`` that mean "quick mode".
TRUE_VALUES = ("1", "true", "yes", "on")
#: Default output directory of ``fieldgrad run``.
DEFAULT_OUT = "results"
#: Name of the summary written by ``fieldgrad run all``.
SUMMARY_FILE = "summary.json"
#: Keyword that selects every scenario.
ALL = "all"
#: Exit statuses (130 = 128 + SIGINT, the shell's convention for Ctrl-C).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: The installed package whose metadata gives ``--version``.
DISTRIBUTION = "fieldgrad"


@dataclass
class ScenarioResult:
    """Outcome of one scenario run: its report, or the error it raised.

    Attributes
    ----------
    name : str
        The scenario.
    ok : bool
        Whether it returned a report whose rows are all ok.
    seconds : float
        Wall time of the import and the run.
    failed_rows : list of str
        Quantities whose row is not ok.
    error : str or None
        ``"ExceptionType: message"`` if the scenario raised (or called
        ``sys.exit``), with the scenario's line where it happened.
    report : dict or None
        What ``run`` returned (the dict of :func:`fieldgrad.report.write_report`).

    Examples
    --------
    :func:`run_scenario` returns one:

    >>> import contextlib, io, pathlib, tempfile
    >>> from fieldgrad.cli import ScenarioResult, discover, run_scenario
    >>> lines = ["from fieldgrad.report import check, write_report",
    ...          "def run(outdir, quick=False):",
    ...          "    return write_report('half', [check('x', 0.5, 1.0)], outdir)"]
    >>> with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()):
    ...     _ = pathlib.Path(d, "half.py").write_text("\\n".join(lines))
    ...     result = run_scenario(discover(d)["half"], d, stderr=io.StringIO())
    >>> isinstance(result, ScenarioResult), result.ok, result.failed_rows
    (True, False, ['x'])
    """

    name: str
    ok: bool
    seconds: float
    failed_rows: list[str] = field(default_factory=list)
    error: str | None = None
    report: dict[str, Any] | None = None


def version() -> str:
    """The installed version (package metadata), or the source tree's when not installed.

    Examples
    --------
    >>> from fieldgrad.cli import version
    >>> version().count(".") >= 1
    True
    """
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return fieldgrad.__version__


def _failed_rows(report: Any) -> list[str]:
    if not isinstance(report, dict) or not isinstance(report.get("rows"), list):
        msg = f"run() must return the dict of write_report(...), got {type(report).__name__}"
        raise TypeError(msg)
    return [str(row.get("quantity", "?")) for row in report["rows"] if not row.get("ok", False)]


def _where(exc: BaseException, path: Path) -> str:
    """``" (name.py, line N)"`` for the innermost frame of the scenario's file, if any."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return f" ({path.name}, line {frames[-1].lineno})" if frames else ""


def _describe_error(exc: BaseException, path: Path) -> str:
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r}){_where(exc, path)}"
    message = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    return text + _where(exc, path)


def run_scenario(
    scenario: Scenario,
    outdir: str | Path,
    *,
    quick: bool = False,
    stderr: TextIO | None = None,
    traceback_on_error: bool = False,
) -> ScenarioResult:
    """Load and run one scenario; an error or ``sys.exit`` becomes a failed result.

    Only ``KeyboardInterrupt`` (Ctrl-C) goes through, so that the caller can
    stop and keep what finished.

    Parameters
    ----------
    scenario : Scenario
        What :func:`discover` found.
    outdir : str or Path
        Where the scenario writes its figures and table.
    quick : bool, keyword-only
        Coarse resolutions.
    stderr : file, keyword-only
        Where a traceback goes when ``traceback_on_error`` is set; default ``sys.stderr``.
    traceback_on_error : bool, keyword-only
        Print the full traceback of an error (for debugging a scenario).

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> from fieldgrad.cli import discover, run_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "boom.py").write_text("def run(outdir, quick=False): 1 / 0")
    ...     result = run_scenario(discover(d)["boom"], d)
    >>> result.ok, result.error
    (False, 'ZeroDivisionError: division by zero (boom.py, line 1)')
    """
    import matplotlib

    start = time.perf_counter()
    try:
        with matplotlib.rc_context():  # a scenario's style settings stay its own
            module = load_scenario(scenario)
            report = module.run(Path(outdir), quick=quick)
        failed = _failed_rows(report)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # Exception or SystemExit: report it, run the others
        if traceback_on_error:
            traceback.print_exc(file=sys.stderr if stderr is None else stderr)
        seconds = time.perf_counter() - start
        error = _describe_error(exc, scenario.path)
        return ScenarioResult(scenario.name, False, seconds, error=error)
    finally:
        _close_figures()
    seconds = time.perf_counter() - start
    ok = not failed and bool(report.get("ok", True))
    return ScenarioResult(scenario.name, ok, seconds, failed_rows=failed, report=report)


def run_example(run: Any, *, outdir: str | Path | None = None) -> dict[str, Any]:
    """Run a scenario as a script (its ``if __name__ == "__main__":`` block).

    Calls ``run(outdir, quick=...)`` with the folder ``$FIELDGRAD_OUT``
    (default ``results/``) and quick mode when ``$FIELDGRAD_QUICK`` is ``1``
    (the documentation build sets both), and raises when a row is not ok, so
    that a script, a notebook or the docs build fails loudly.

    Parameters
    ----------
    run : callable
        The scenario's ``run(outdir, quick=False) -> dict``.
    outdir : str or Path, keyword-only
        Overrides ``$FIELDGRAD_OUT``.

    Returns
    -------
    dict
        The report.

    Raises
    ------
    RuntimeError
        If a row of the report is not ok.

    Examples
    --------
    >>> import contextlib, io, tempfile
    >>> from fieldgrad.cli import run_example
    >>> from fieldgrad.report import check, write_report
    >>> def run(outdir, quick=False):
    ...     return write_report("half", [check("x", 0.5, 1.0)], outdir)
    >>> with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()):
    ...     run_example(run, outdir=d)
    Traceback (most recent call last):
    ...
    RuntimeError: half: result rows not ok: x
    """
    if outdir is None:
        outdir = os.environ.get(OUT_ENV_VAR) or DEFAULT_OUT
    quick = os.environ.get(QUICK_ENV_VAR, "").strip().lower() in TRUE_VALUES
    report = run(Path(outdir), quick=quick)
    failed = _failed_rows(report)
    if failed or not report.get("ok", True):
        msg = f"{report.get('name', 'scenario')}: result rows not ok: {', '.join(failed)}"
        raise RuntimeError(msg)
    return report


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def _suggestion(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, [*known, ALL], n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def _resolve(names: Sequence[str], found: dict[str, Scenario]) -> list[Scenario]:
    """Scenarios for the requested names (``all`` expands), in order, without repeats."""
    chosen: list[str] = []
    for name in names:
        stem = name[:-3] if name.endswith(".py") else name
        if stem == ALL:
            chosen.extend(found)
        elif stem in found:
            chosen.append(stem)
        else:
            msg = f"unknown scenario {name!r}{_suggestion(stem, list(found))}"
            raise LookupError(msg)
    return [found[n] for n in dict.fromkeys(chosen)]


class _UsageError(Exception):
    """A one-line usage message; ``main`` prints it and exits 2."""


def _writable_folder(out: str) -> Path:
    """``--out`` as a folder that exists and takes files, or a :class:`_UsageError`."""
    outdir = Path(out).expanduser()
    if outdir.exists() and not outdir.is_dir():
        msg = f"--out must be a folder, but {out!r} is an existing file"
        raise _UsageError(msg)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=outdir):
            pass
    except OSError as err:
        msg = f"--out folder {out!r} is not writable: {err.strerror or err}"
        raise _UsageError(msg) from None
    return outdir


def _cmd_list(args: argparse.Namespace) -> int:
    found = discover()
    if not found:
        raise _UsageError(f"no scenarios found in {_folders()} (set {ENV_VAR})")
    width = max(len(n) for n in found)
    for scenario in found.values():
        print(f"{scenario.name:<{width}}  {scenario.description}")
    return EXIT_OK


def _status(result: ScenarioResult) -> str:
    if result.error:
        status = f"ERROR: {result.error}"
    elif result.failed_rows:
        status = f"FAILED rows: {', '.join(result.failed_rows)}"
    else:
        status = "ok"
    return f"{status} in {result.seconds:.1f} s"


def _cmd_run(args: argparse.Namespace) -> int:
    found = discover()
    if not found:
        raise _UsageError(f"no scenarios found in {_folders()} (set {ENV_VAR})")
    try:
        chosen = _resolve(args.names, found)
    except LookupError as err:
        raise _UsageError(f"{err.args[0]} (see `fieldgrad list`)") from None
    outdir = _writable_folder(args.out)

    import matplotlib

    matplotlib.use("Agg")  # before any scenario imports pyplot: files, never windows
    results: list[ScenarioResult] = []
    start = time.perf_counter()
    progress = Progress(len(chosen), sys.stderr)
    interrupted = False
    try:
        for scenario in chosen:
            progress.start(scenario.name)
            with progress.stdout():
                result = run_scenario(
                    scenario, outdir, quick=args.quick, traceback_on_error=args.traceback
                )
            results.append(result)
            progress.finish(scenario.name, _status(result))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
    total = time.perf_counter() - start

    if ALL in args.names or interrupted:
        _write_summary(
            outdir / SUMMARY_FILE,
            results,
            quick=args.quick,
            seconds=total,
            planned=len(chosen),
        )
    if interrupted:
        print(
            f"fieldgrad: interrupted after {len(results)} of {len(chosen)} scenarios; "
            f"their results and {SUMMARY_FILE} (marked incomplete) are in {outdir}",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    failed = [r for r in results if not r.ok]
    verdict = f"{len(results) - len(failed)}/{len(results)} scenarios ok in {total:.1f} s"
    if failed:
        verdict += f"; not ok: {', '.join(r.name for r in failed)}"
    print(f"fieldgrad: {verdict}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _write_summary(
    path: Path, results: Sequence[ScenarioResult], *, quick: bool, seconds: float, planned: int
) -> None:
    complete = len(results) == planned
    summary = {
        "ok": complete and all(r.ok for r in results),
        "complete": complete,
        "quick": quick,
        "seconds": round(seconds, 3),
        "n_planned": planned,
        "n_scenarios": len(results),
        "n_failed": sum(not r.ok for r in results),
        "scenarios": [
            {k: v for k, v in asdict(r).items() if k != "report"} | {"seconds": round(r.seconds, 3)}
            for r in results
        ],
    }
    path.write_text(json.dumps(summary, indent=2))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, raised instead of exiting."""

    def error(self, message: str) -> Any:
        raise _UsageError(f"{message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fieldgrad",
        description="Run fieldgrad's worked examples (scenarios) and check their results.",
    )
    parser.add_argument("--version", action="version", version=f"fieldgrad {version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the scenarios with a one-line description")
    run = sub.add_parser(
        "run",
        help="run scenarios, write figures and tables, exit 1 if a row is not ok",
        description="Run scenarios by name (or 'all'); exit 1 if any result row is not ok.",
    )
    run.add_argument("names", nargs="+", metavar="NAME", help="scenario names, or 'all'")
    run.add_argument("--quick", action="store_true", help="coarse resolutions (seconds, for CI)")
    run.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"output folder for figures and JSON (default: {DEFAULT_OUT}/)",
    )
    run.add_argument(
        "--traceback",
        action="store_true",
        help="print the full traceback when a scenario fails (for debugging it)",
    )
    return parser


def _folders() -> str:
    return ", ".join(str(p) for p in [scenarios_dir(), *user_dirs()])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fieldgrad`` command; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when everything is ok, 1 when a result row is not ok or a scenario
        failed, 2 for usage errors (unknown command or scenario name, an
        ``--out`` that is not a writable folder), 130 when interrupted (Ctrl-C).

    Examples
    --------
    >>> import contextlib, io
    >>> from fieldgrad.cli import main
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     main(["run", "no_such_scenario"])
    2
    >>> err.getvalue().startswith("fieldgrad: unknown scenario 'no_such_scenario'")
    True
    """
    try:
        args = _parser().parse_args(argv)
        handlers = {"list": _cmd_list, "run": _cmd_run}
        return handlers[args.command](args)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except _UsageError as err:
        print(f"fieldgrad: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fieldgrad: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `fieldgrad list | head`: the reader has gone, say nothing
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as err:  # e.g. the summary cannot be written
        print(f"fieldgrad: {err}", file=sys.stderr)
        return EXIT_FAILED
