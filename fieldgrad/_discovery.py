"""Where the scenarios are and how they are found and imported (for :mod:`fieldgrad.cli`).

A scenario is a ``*.py`` file whose name does not start with ``_`` and which
defines ``run`` at module level. The shipped ones are the package
``fieldgrad.scenarios`` (the repository's ``scenarios/`` folder).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import fieldgrad

__all__ = ["ENV_VAR", "Scenario", "discover", "load_scenario", "scenarios_dir", "user_dirs"]

#: Environment variable naming a user's scenario folders (``os.pathsep``-separated),
#: listed and run beside the shipped ones.
ENV_VAR = "FIELDGRAD_SCENARIOS"


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


def user_dirs() -> list[Path]:
    """The user's scenario folders named by ``$FIELDGRAD_SCENARIOS`` (``os.pathsep``-separated).

    Examples
    --------
    >>> import os
    >>> from fieldgrad.cli import ENV_VAR, user_dirs
    >>> os.environ[ENV_VAR] = os.pathsep.join(["/tmp/mine", "/tmp/ours"])
    >>> [p.name for p in user_dirs()]
    ['mine', 'ours']
    >>> del os.environ[ENV_VAR]
    """
    value = os.environ.get(ENV_VAR, "")
    return [Path(part).expanduser().resolve() for part in value.split(os.pathsep) if part]


def scenarios_dir() -> Path:
    """The shipped scenario folder: the installed ``fieldgrad.scenarios``.

    In a source checkout that is not installed, the repository's ``scenarios/``
    folder next to the ``fieldgrad`` package.

    Examples
    --------
    >>> from fieldgrad.cli import scenarios_dir
    >>> scenarios_dir().name
    'scenarios'
    """
    try:
        spec = importlib.util.find_spec("fieldgrad.scenarios")
    except ImportError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
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
    """Scenarios in a directory, by name, sorted; by default the shipped ones and the user's.

    Without ``directory``: the shipped folder (:func:`scenarios_dir`) and then
    each folder of ``$FIELDGRAD_SCENARIOS`` (:func:`user_dirs`); a user's
    scenario with a shipped scenario's name takes its place.

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
    if directory is None:
        merged: dict[str, Scenario] = {}
        for folder in [scenarios_dir(), *user_dirs()]:
            merged.update(discover(folder))
        return dict(sorted(merged.items()))
    directory = Path(directory)
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
