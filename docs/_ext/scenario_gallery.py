"""Sphinx-gallery over fieldgrad's scenarios: which scripts, how they run, where figures go.

``conf.py`` calls :func:`configure`, which calls :func:`prepare` before
sphinx-gallery starts. It copies every
scenario that ``fieldgrad list`` finds into ``docs/_scenarios/`` (the gallery's
source folder), so that a new ``scenarios/<name>.py`` joins the gallery by
existing. The copy ends with the standard block

    if __name__ == "__main__":
        from fieldgrad.cli import run_example

        run_example(run)

(replacing whatever ``if __name__ == "__main__":`` block the script has), which
runs the scenario in quick mode into ``docs/gallery/`` when
``FIELDGRAD_QUICK``/``FIELDGRAD_OUT`` say so and raises when a result row is
not ok; sphinx-gallery then fails the build.

:func:`scenario_figures` is the gallery's image scraper: the figures a
scenario saved with :func:`fieldgrad.report.save_figure` (new or changed PNG
files in ``FIELDGRAD_OUT``) become the page's figures and thumbnail. A
scenario is one code block, so sphinx-gallery puts its output first: a page
reads title, story, figure, printed result table, then the script.

The docstring is plain text (``fieldgrad list`` shows its first line): the
copy underlines the title if needed and escapes what reStructuredText would
read as markup (``|grad f|``, ``*``, ``name_``).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path
from typing import Any

from fieldgrad.cli import OUT_ENV_VAR, QUICK_ENV_VAR, discover

#: The block every scenario runs as a script (and as a gallery page).
MAIN_BLOCK = """if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
"""
#: Characters of a title that reStructuredText reads as markup, and look-alikes that it does not.
TITLE_LOOKALIKES = str.maketrans({"|": "\u2223", "*": "\u2217"})
#: sphinx-gallery's folder header (the gallery's front page text).
HEADER = "GALLERY_HEADER.rst"
#: The gallery's source folder under docs/ (the copies; not in the repository).
SOURCES = "_scenarios"
#: PNG files seen in the output folder (path -> modification time), between two scrapes.
_seen: dict[Path, int] = {}


def as_rst(doc: str) -> str:
    """A scenario docstring as reStructuredText: titled, and plain text kept literal.

    The first line is the title (underlined with ``=`` if it is not yet; its
    ``|`` and ``*`` become the look-alikes of :data:`TITLE_LOOKALIKES`); in the
    story ``|x|``, ``*`` and ``name_`` outside ````code```` spans are escaped, so
    that the norms and products of plain-text formulas are not read as markup.
    """
    lines = doc.strip().splitlines()
    title = lines[0].strip()
    rest = lines[1:]
    if rest and set(rest[0].strip()) == {"="}:
        rest = rest[1:]
    body = "\n".join(rest).strip("\n")
    parts = _LITERAL.split(body)
    body = "".join(p if _LITERAL.fullmatch(p) else _escape(p) for p in parts)
    # A title is also the thumbnail's caption, which shows escapes as written: there
    # the bars and stars of a formula become look-alikes that are not markup.
    title = re.sub(r"(\w)_(?=\W|$)", r"\1\\_", title.translate(TITLE_LOOKALIKES))
    return f"{title}\n{'=' * len(title)}\n\n{body}\n"


_LITERAL = re.compile(r"(``[^`]+``)")


def _escape(text: str) -> str:
    text = re.sub(r"([|*\\])", r"\\\1", text)
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def with_main_block(source: str) -> str:
    """The scenario's source as a gallery page: rst docstring, :data:`MAIN_BLOCK` at the end."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            lines = lines[: node.lineno - 1] + lines[node.end_lineno or node.lineno :]
            break
    doc = ast.get_docstring(tree, clean=True)
    first = tree.body[0] if tree.body else None
    if doc is not None and isinstance(first, ast.Expr):
        literal = '"""' + as_rst(doc).replace("\\", "\\\\") + '"""\n'
        lines = [literal] + lines[first.end_lineno or 1 :]
    text = "".join(lines).rstrip() + "\n\n\n"
    return text + MAIN_BLOCK


def prepare(scenarios: Path, sources: Path, header: Path) -> list[str]:
    """Copy the scenarios (with the standard main block) and the header into ``sources``."""
    if sources.exists():
        shutil.rmtree(sources)
    sources.mkdir(parents=True)
    shutil.copy(header, sources / HEADER)
    found = discover(scenarios)
    for name, scenario in found.items():
        text = scenario.path.read_text(encoding="utf-8")
        (sources / f"{name}.py").write_text(with_main_block(text), encoding="utf-8")
    return list(found)


def configure(docs: Path, scenarios: Path, *, gallery: str = "gallery") -> dict[str, Any]:
    """Prepare the gallery's sources and return ``sphinx_gallery_conf``.

    The scenarios run in quick mode and write their figures and tables into
    ``docs/<gallery>/``, next to their pages (the domain pages show those
    figures too).
    """
    os.environ[QUICK_ENV_VAR] = "1"
    os.environ[OUT_ENV_VAR] = str(docs / gallery)
    _seen.clear()
    prepare(scenarios, docs / SOURCES, Path(__file__).with_name(HEADER))
    return {
        "examples_dirs": [SOURCES],
        "gallery_dirs": [gallery],
        "filename_pattern": r".*\.py$",  # run every scenario
        "within_subsection_order": "FileNameSortKey",
        "image_scrapers": ("scenario_gallery.scenario_figures", "matplotlib"),
        "reset_modules": ("matplotlib",),
        "capture_repr": (),
        "remove_config_comments": True,
        "download_all_examples": False,
        "abort_on_example_error": False,  # run them all, then fail the build on any error
        "only_warn_on_example_error": False,
        "show_memory": False,
        "write_computation_times": False,
        "min_reported_time": 3600,
        "thumbnail_size": (400, 280),
    }


def _pngs(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.glob("*.png")} if folder.is_dir() else {}


def scenario_figures(block: Any, block_vars: dict, gallery_conf: dict) -> str:
    """Image scraper: the PNG files the scenario wrote into ``$FIELDGRAD_OUT``."""
    from sphinx_gallery.scrapers import figure_rst

    folder = Path(os.environ[OUT_ENV_VAR])
    now = _pngs(folder)
    new = [p for p, t in now.items() if _seen.get(p) != t]
    _seen.update(now)
    stem = Path(block_vars["src_file"]).stem
    new.sort(key=lambda p: (p.stem != stem, p.name))  # <name>.png first: the thumbnail
    paths = []
    for path, target in zip(new, block_vars["image_path_iterator"], strict=False):
        shutil.copyfile(path, target)
        paths.append(target)
    return figure_rst(paths, gallery_conf["src_dir"])
