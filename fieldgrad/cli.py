"""The ``fieldgrad`` command: list and run the worked examples (scenarios).

A scenario is a script ``scenarios/<name>.py`` that defines
``run(outdir, quick=False) -> dict`` (see ``DESIGN.md``).  The command finds
them in the repository's ``scenarios/`` directory, or in the directory named
by the environment variable ``FIELDGRAD_SCENARIOS``::

    fieldgrad list
    fieldgrad run polar_lobes inverse_square --quick
    fieldgrad run all --out results/

``run`` exits with status 0 when every row of every report is ok, 1 when a
row is not ok or a scenario raised, and 2 for usage errors such as an unknown
scenario name.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.util
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

import fieldgrad

__all__ = [
    "ENV_VAR",
    "Scenario",
    "ScenarioResult",
    "discover",
    "load_scenario",
    "main",
    "run_scenario",
    "scenarios_dir",
]

#: Environment variable that overrides the scenario directory.
ENV_VAR = "FIELDGRAD_SCENARIOS"
#: Default output directory of ``fieldgrad run``.
DEFAULT_OUT = "results"
#: Name of the summary written by ``fieldgrad run all``.
SUMMARY_FILE = "summary.json"
#: Keyword that selects every scenario.
ALL = "all"
#: Exit statuses.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Width of the text progress bar on stderr.
BAR_WIDTH = 20


@dataclass(frozen=True)
class Scenario:
    """A scenario script found on disk.

    Attributes
    ----------
    name : str
        File name without ``.py``; the name ``fieldgrad run`` takes.
    path : Path
        The script.
    description : str
        First line of the module docstring.

    Examples
    --------
    >>> from fieldgrad.cli import discover
    >>> discover()["polar_lobes"].description.startswith("Four lobes")
    True
    """

    name: str
    path: Path
    description: str


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
        ``"ExceptionType: message"`` if the scenario raised.
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


def scenarios_dir() -> Path:
    """The scenario directory: ``$FIELDGRAD_SCENARIOS`` or the repository's ``scenarios/``.

    Examples
    --------
    >>> from fieldgrad.cli import scenarios_dir
    >>> scenarios_dir().name
    'scenarios'
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return Path(fieldgrad.__file__).resolve().parents[1] / "scenarios"


def _defines_run(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "run":
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "run" for t in node.targets
        ):
            return True
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == "run" for a in node.names
        ):
            return True
    return False


def discover(directory: str | Path | None = None) -> dict[str, Scenario]:
    """Scenarios in a directory, by name, sorted.

    Every ``*.py`` file whose name does not start with ``_`` and which defines
    ``run`` at module level is a scenario.  Files are parsed, not imported, so
    listing is fast and has no side effects.

    Parameters
    ----------
    directory : str or Path, optional
        Where to look; default :func:`scenarios_dir`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fieldgrad.cli import discover
    >>> with tempfile.TemporaryDirectory() as d:
    ...     text = '"A demo."\\ndef run(outdir, quick=False): ...'
    ...     _ = pathlib.Path(d, "demo.py").write_text(text)
    ...     _ = pathlib.Path(d, "_helper.py").write_text("def run(): ...")
    ...     found = discover(d)
    >>> list(found), found["demo"].description
    (['demo'], 'A demo.')
    """
    directory = scenarios_dir() if directory is None else Path(directory)
    found: dict[str, Scenario] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError):
            # Still listed, so that `run` reports the error instead of hiding the file.
            found[path.stem] = Scenario(path.stem, path, "(cannot be parsed)")
            continue
        if _defines_run(tree):
            doc = ast.get_docstring(tree) or ""
            first = doc.strip().splitlines()[0].strip() if doc.strip() else ""
            found[path.stem] = Scenario(path.stem, path, first)
    return found


def load_scenario(scenario: Scenario) -> ModuleType:
    """Import a scenario script as a module (its directory is importable meanwhile).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fieldgrad.cli import discover, load_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "demo.py").write_text("def run(outdir, quick=False): return 42")
    ...     module = load_scenario(discover(d)["demo"])
    >>> module.run(".")
    42
    """
    module_name = f"fieldgrad_scenario_{scenario.name}"
    spec = importlib.util.spec_from_file_location(module_name, scenario.path)
    if spec is None or spec.loader is None:
        msg = f"scenario must be an importable Python file, got {str(scenario.path)!r}"
        raise ImportError(msg)
    module = importlib.util.module_from_spec(spec)
    folder = str(scenario.path.parent)
    sys.path.insert(0, folder)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    return module


def _failed_rows(report: Any) -> list[str]:
    if not isinstance(report, dict) or not isinstance(report.get("rows"), list):
        msg = f"run() must return the dict of write_report(...), got {type(report).__name__}"
        raise TypeError(msg)
    return [str(row.get("quantity", "?")) for row in report["rows"] if not row.get("ok", False)]


def run_scenario(
    scenario: Scenario, outdir: str | Path, *, quick: bool = False, stderr: TextIO | None = None
) -> ScenarioResult:
    """Load and run one scenario; an exception becomes a failed result, not a crash.

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> from fieldgrad.cli import discover, run_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "boom.py").write_text("def run(outdir, quick=False): 1 / 0")
    ...     result = run_scenario(discover(d)["boom"], d, stderr=io.StringIO())
    >>> result.ok, result.error
    (False, 'ZeroDivisionError: division by zero')
    """
    import matplotlib

    stderr = sys.stderr if stderr is None else stderr
    start = time.perf_counter()
    try:
        with matplotlib.rc_context():  # a scenario's style settings stay its own
            module = load_scenario(scenario)
            report = module.run(Path(outdir), quick=quick)
        failed = _failed_rows(report)
    except Exception as exc:  # report it and carry on with the other scenarios
        traceback.print_exc(file=stderr)
        seconds = time.perf_counter() - start
        error = f"{type(exc).__name__}: {exc}"
        return ScenarioResult(scenario.name, False, seconds, error=error)
    finally:
        _close_figures()
    seconds = time.perf_counter() - start
    ok = not failed and bool(report.get("ok", True))
    return ScenarioResult(scenario.name, ok, seconds, failed_rows=failed, report=report)


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def _progress(i: int, n: int, text: str, stream: TextIO) -> None:
    filled = round(BAR_WIDTH * i / n) if n else BAR_WIDTH
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    print(f"[{bar}] [{i}/{n}] {text}", file=stream, flush=True)


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


def _cmd_list(args: argparse.Namespace) -> int:
    found = discover()
    if not found:
        print(f"fieldgrad: no scenarios found in {scenarios_dir()}", file=sys.stderr)
        return EXIT_USAGE
    width = max(len(n) for n in found)
    for scenario in found.values():
        print(f"{scenario.name:<{width}}  {scenario.description}")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    found = discover()
    if not found:
        print(
            f"fieldgrad: no scenarios found in {scenarios_dir()} (set {ENV_VAR})", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        chosen = _resolve(args.names, found)
    except LookupError as err:
        print(f"fieldgrad: {err.args[0]} (see `fieldgrad list`)", file=sys.stderr)
        return EXIT_USAGE

    import matplotlib

    matplotlib.use("Agg")  # before any scenario imports pyplot: files, never windows
    outdir = Path(args.out)
    outdir.mkdir(parents=True, exist_ok=True)
    results: list[ScenarioResult] = []
    start = time.perf_counter()
    for i, scenario in enumerate(chosen, start=1):
        _progress(i - 1, len(chosen), f"{scenario.name} ...", sys.stderr)
        result = run_scenario(scenario, outdir, quick=args.quick)
        results.append(result)
        if result.error:
            status = f"ERROR ({result.error})"
        elif result.failed_rows:
            status = f"FAILED rows: {', '.join(result.failed_rows)}"
        else:
            status = "ok"
        _progress(i, len(chosen), f"{scenario.name} {status} in {result.seconds:.1f} s", sys.stderr)
    total = time.perf_counter() - start

    failed = [r for r in results if not r.ok]
    if ALL in args.names:
        _write_summary(outdir / SUMMARY_FILE, results, quick=args.quick, seconds=total)
    verdict = f"{len(results) - len(failed)}/{len(results)} scenarios ok in {total:.1f} s"
    if failed:
        verdict += f"; not ok: {', '.join(r.name for r in failed)}"
    print(f"fieldgrad: {verdict}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _write_summary(
    path: Path, results: Sequence[ScenarioResult], *, quick: bool, seconds: float
) -> None:
    summary = {
        "ok": all(r.ok for r in results),
        "quick": quick,
        "seconds": round(seconds, 3),
        "n_scenarios": len(results),
        "n_failed": sum(not r.ok for r in results),
        "scenarios": [
            {k: v for k, v in asdict(r).items() if k != "report"} | {"seconds": round(r.seconds, 3)}
            for r in results
        ],
    }
    path.write_text(json.dumps(summary, indent=2))


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting, so ``main`` returns 2."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise _UsageError


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fieldgrad",
        description="Run fieldgrad's worked examples (scenarios) and check their results.",
    )
    parser.add_argument("--version", action="version", version=f"fieldgrad {fieldgrad.__version__}")
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
        help=f"output directory for figures and JSON (default: {DEFAULT_OUT}/)",
    )
    return parser


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
        raised, 2 for usage errors (unknown command or scenario name).

    Examples
    --------
    >>> from fieldgrad.cli import main
    >>> main(["run", "no_such_scenario"])
    2
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError:
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    handlers = {"list": _cmd_list, "run": _cmd_run}
    return handlers[args.command](args)
