"""Write one gallery page per scenario from its docstring, figures and result table.

Run after the scenarios have written their figures and JSON tables into
``docs/gallery/`` and before ``sphinx-build``::

    fieldgrad run all --quick --out docs/gallery
    python docs/make_gallery.py

For each scenario found by ``fieldgrad list`` this writes
``docs/gallery/<name>.md``: the docstring's first line as the title, the rest
as the story, every figure ``<name>.png`` / ``<name>_*.png``, the table of
``<name>.json`` and the script itself; and ``docs/gallery/index.md`` listing
them all (and removes the pages of scenarios that no longer exist). A
scenario without its figure or table is an error: the pages would otherwise
quietly show stale or missing results.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import sys
from pathlib import Path

from fieldgrad.cli import Scenario, discover

DOCS = Path(__file__).resolve().parent
GALLERY = DOCS / "gallery"
#: Characters that are Markdown syntax outside code spans; escaped in docstring text.
MARKDOWN_ACTIVE = re.compile(r"([\\*_\[\]<>#|$])")
CODE_SPAN = re.compile(r"(``?[^`]+``?)")
COLUMNS = ("quantity", "computed", "reference", "rel_error", "ok")


def escape(text: str) -> str:
    """Plain docstring text as Markdown: code spans kept, everything else literal."""
    parts = CODE_SPAN.split(text)
    return "".join(p if CODE_SPAN.fullmatch(p) else MARKDOWN_ACTIVE.sub(r"\\\1", p) for p in parts)


def docstring(scenario: Scenario) -> tuple[str, list[str]]:
    """The title (first line, without its full stop) and the paragraphs of the story."""
    tree = ast.parse(scenario.path.read_text(encoding="utf-8"), filename=str(scenario.path))
    doc = ast.get_docstring(tree) or scenario.name
    first, _, rest = doc.strip().partition("\n")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", rest.strip()) if p.strip()]
    return first.strip().rstrip("."), paragraphs


def figures(name: str, others: set[str]) -> list[Path]:
    """``<name>.png`` first, then ``<name>_*.png`` that belong to no other scenario."""
    main = GALLERY / f"{name}.png"
    extra = [
        p
        for p in sorted(GALLERY.glob(f"{name}_*.png"))
        if not any(p.stem == o or p.stem.startswith(f"{o}_") for o in others if len(o) > len(name))
    ]
    return ([main] if main.exists() else []) + extra


def number(value: object) -> str:
    """A table cell: 6 significant digits, rel_error in 3."""
    if isinstance(value, bool):
        return "yes" if value else "**NO**"
    if isinstance(value, int | float):
        v = float(value)
        return repr(v) if not math.isfinite(v) else f"{v:.6g}"
    return escape(str(value))


def table(rows: list[dict]) -> list[str]:
    """The result rows as a Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "| " + " | ".join(["---"] * len(COLUMNS)) + " |"]
    for row in rows:
        cells = [f"`{row['quantity']}`"]
        cells += [number(row[c]) for c in ("computed", "reference")]
        cells.append(f"{float(row['rel_error']):.3g}")
        cells.append(number(bool(row["ok"])))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def page(scenario: Scenario, report: dict, images: list[Path], quick: bool) -> str:
    """The Markdown page of one scenario."""
    title, story = docstring(scenario)
    source = Path(os.path.relpath(scenario.path, GALLERY)).as_posix()
    lines = [f"# {escape(title)}", ""]
    lines += [f"`{scenario.name}` · run it with `fieldgrad run {scenario.name}`", ""]
    for paragraph in story:
        lines += [escape(paragraph), ""]
    for image in images:
        lines += [f"![{scenario.name}]({image.name})", ""]
    verdict = "every row is ok" if report.get("ok") else "**some rows are not ok**"
    mode = "quick mode (`--quick`, coarse grids)" if quick else "full resolution"
    lines += ["## Results", "", f"Computed against reference, in {mode}; {verdict}.", ""]
    lines += table(report["rows"])
    lines += ["", "## The script", ""]
    lines += ["```{literalinclude} " + source, ":language: python", "```", ""]
    return "\n".join(lines)


def index(entries: list[tuple[Scenario, str]]) -> str:
    """The gallery's front page: every scenario with its title and figure."""
    lines = [
        "# Gallery of worked examples",
        "",
        "Each worked example is a script in `scenarios/` that computes something "
        "with fieldgrad, compares it with an independent reference (an analytic "
        "formula, a physical law, scipy) and draws a figure. The pages below were "
        "made by `fieldgrad run all --quick` when these pages were built; every "
        "scenario also runs in the test suite.",
        "",
    ]
    for scenario, title in entries:
        lines += [f"## [{escape(title)}]({scenario.name}.md)", ""]
        lines += [f"`fieldgrad run {scenario.name}`", ""]
        lines += [f"[![{scenario.name}]({scenario.name}.png)]({scenario.name}.md)", ""]
    lines += ["```{toctree}", ":hidden:", ""]
    lines += [scenario.name for scenario, _ in entries]
    lines += ["```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the gallery pages; return 1 (and say why) when results are missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    found = discover()
    if not found:
        print("make_gallery: no scenarios found (see `fieldgrad list`)", file=sys.stderr)
        return 1
    summary_path = GALLERY / "summary.json"
    quick = json.loads(summary_path.read_text())["quick"] if summary_path.exists() else True
    missing = []
    entries = []
    for name, scenario in found.items():
        results = GALLERY / f"{name}.json"
        images = figures(name, set(found) - {name})
        if not results.exists() or not images:
            missing.append(name)
            continue
        report = json.loads(results.read_text())
        (GALLERY / f"{name}.md").write_text(page(scenario, report, images, quick), encoding="utf-8")
        entries.append((scenario, docstring(scenario)[0]))
    if missing:
        print(
            f"make_gallery: no figure or table in {GALLERY} for: {', '.join(missing)}; "
            "run `fieldgrad run all --quick --out docs/gallery` first",
            file=sys.stderr,
        )
        return 1
    for stale in GALLERY.glob("*.md"):  # pages of scenarios that no longer exist
        if stale.stem not in found and stale.name != "index.md":
            stale.unlink()
    (GALLERY / "index.md").write_text(index(entries), encoding="utf-8")
    print(f"make_gallery: {len(entries)} scenario pages in {GALLERY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
