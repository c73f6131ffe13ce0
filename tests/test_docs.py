"""The documentation's code runs and its quoted numbers are the ones the code measures.

* ``docs/tutorials/getting_started.py`` prints what ``docs/getting_started.md`` shows;
* ``docs/tutorials/extend_fieldgrad.py`` measures the orders that
  ``docs/tutorials/extend_fieldgrad.md`` quotes, and its checks hold;
* every ``python`` code block of the user guide runs;
* the gallery machinery (``docs/_ext/scenario_gallery.py``) turns a scenario into
  a page with its figure and table, and a result row that is not ok fails the build.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from fieldgrad.cli import discover
from fieldgrad.grids.base import Grid

DOCS = Path(__file__).resolve().parents[1] / "docs"
TUTORIALS = DOCS / "tutorials"
#: Pages whose ``python`` code blocks are complete programs, run top to bottom.
RUNNABLE_PAGES = sorted(p for p in (DOCS / "guide").glob("*.md") if p.name != "index.md") + [
    DOCS / "index.md"
]


def run_script(path: Path, *args: str) -> str:
    """Run a script as ``__main__`` with command-line arguments; return what it printed."""
    out = io.StringIO()
    argv = sys.argv
    sys.argv = [str(path), *args]
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = argv
    return out.getvalue()


@pytest.fixture
def tutorial():
    """The tutorial script's namespace; its TorusSurface leaves the grid registry afterwards."""
    before = dict(Grid.registry)
    namespace = runpy.run_path(str(TUTORIALS / "extend_fieldgrad.py"))
    yield namespace
    Grid.registry.clear()
    Grid.registry.update(before)


def test_getting_started_prints_what_the_page_shows(tmp_path):
    printed = run_script(TUTORIALS / "getting_started.py", str(tmp_path / "first.png"))
    page = (DOCS / "getting_started.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n(.*?)```", page, flags=re.S)
    assert block is not None
    assert printed.strip().splitlines() == block.group(1).strip().splitlines()
    assert (tmp_path / "first.png").stat().st_size > 10_000


def test_getting_started_errors_are_small():
    namespace = runpy.run_path(str(TUTORIALS / "getting_started.py"))
    errors = namespace["max_errors"]()
    assert set(errors) == {
        "CartesianGrid",
        "PolarGrid",
        "CylindricalGrid",
        "SphericalGrid",
        "SphereSurface",
    }
    assert all(e < 5e-2 for e in errors.values())


def test_extend_fieldgrad_reaches_the_nominal_orders(tutorial):
    results = tutorial["measure"]()
    for quantity, by_order in results.items():
        for order, (errors, slope) in by_order.items():
            assert slope >= order - 0.15, (quantity, order, slope)
            assert all(a > b for a, b in zip(errors, errors[1:], strict=False)), (quantity, errors)


def test_extend_fieldgrad_page_quotes_the_measured_table(tutorial):
    table = tutorial["table"](tutorial["measure"]())
    page = (TUTORIALS / "extend_fieldgrad.md").read_text(encoding="utf-8")
    for line in table.splitlines():
        assert line in page, f"the tutorial page must show the measured row {line!r}"


def test_extend_fieldgrad_yukawa_physics(tutorial):
    checks = tutorial["yukawa_checks"]()
    assert checks["screened_poisson_relative_residual"] < 1e-5
    assert checks["radial_field_error"] < 5e-4
    assert checks["angular_field_largest"] < 1e-12


def test_extend_fieldgrad_torus_works_with_everything(tutorial):
    checks = tutorial["torus_checks"]()
    assert checks["area_relative_error"] < 1e-12
    assert checks["height_gradient_error"] < 1e-2
    assert checks["laplacian_integral"] < 1e-12
    assert checks["engines_max_difference"] < 1e-12
    assert checks["lazy"] == 1.0
    assert checks["lazy_max_difference"] < 1e-12
    assert checks["basis_error"] < 1e-10
    assert checks["from_cartesian_error"] < 1e-12
    assert checks["round_trip"] == 1.0
    assert checks["accessor_max_difference"] < 1e-12


def test_extend_fieldgrad_torus_netcdf_round_trip(tutorial, tmp_path):
    import numpy as np

    import fieldgrad as fg

    grid = tutorial["torus"](8)
    f = fg.ScalarField.from_function(grid, tutorial["ripple"], name="f")
    f.to_netcdf(tmp_path / "torus.nc")
    back = fg.open_field(tmp_path / "torus.nc")
    assert back.grid == grid and np.array_equal(back.data, f.data)


def test_extend_fieldgrad_script_draws_its_figure(tmp_path):
    before = dict(Grid.registry)
    try:
        printed = run_script(TUTORIALS / "extend_fieldgrad.py", str(tmp_path / "torus.png"))
    finally:
        Grid.registry.clear()
        Grid.registry.update(before)
    assert "Yukawa potential, shell" in printed
    assert (tmp_path / "torus.png").stat().st_size > 10_000


def test_torus_rejects_bad_radii(tutorial):
    with pytest.raises(ValueError, match="0 < minor < major"):
        tutorial["TorusSurface"](major=1.0, minor=2.0)


@pytest.mark.parametrize("page", RUNNABLE_PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_guide_code_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"), re.M | re.S)
    assert blocks, f"{page} has no python code blocks"
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for i, code in enumerate(blocks):
            exec(compile(code, f"{page.name}, block {i}", "exec"), namespace)


# ----------------------------------------------------------------------- gallery
def _gallery_module():
    """``docs/_ext/scenario_gallery.py`` (what ``docs/conf.py`` uses), imported by path."""
    spec = importlib.util.spec_from_file_location(
        "scenario_gallery", DOCS / "_ext" / "scenario_gallery.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OLD_STYLE = '''"""A demo: |grad x| = 1 on [0, 1], with 2 * 3 = 6 and a name_ here.

The story, with *stars*, |norms| and ``code with | and *``.
"""
from fieldgrad.report import check, write_report


def run(outdir, quick=False):
    return write_report("demo", [check("quick", float(quick), 1.0)], outdir)


if __name__ == "__main__":
    run("results")
'''


def test_a_scenario_page_source_is_titled_escaped_and_ends_with_the_standard_block():
    gallery = _gallery_module()
    text = gallery.with_main_block(OLD_STYLE)
    tree = ast.parse(text)
    doc = ast.get_docstring(tree).splitlines()
    bar, star = "\u2223", "\u2217"  # look-alikes: a title is also a thumbnail's caption
    title = f"A demo: {bar}grad x{bar} = 1 on [0, 1], with 2 {star} 3 = 6 and a name\\_ here."
    assert doc[0] == title
    assert doc[1] == "=" * len(doc[0])
    assert doc[3] == r"The story, with \*stars\*, \|norms\| and ``code with | and *``."
    assert text.endswith(gallery.MAIN_BLOCK)
    assert 'run("results")' not in text
    assert text.count("def run(") == 1
    # a docstring that is already underlined keeps a single underline
    underlined = '"""\nTitle here\n==========\n\nStory.\n"""\ndef run(outdir, quick=False): ...\n'
    again = ast.get_docstring(ast.parse(gallery.with_main_block(underlined)))
    assert again.splitlines() == ["Title here", "==========", "", "Story."]


def test_every_scenario_docstring_opens_like_a_gallery_page():
    for name, scenario in discover(DOCS.parent / "scenarios").items():
        doc = ast.get_docstring(ast.parse(scenario.path.read_text(encoding="utf-8")))
        assert doc is not None, name
        lines = doc.splitlines()
        assert len(lines) > 3, f"{name}: title, underline, blank line, then the story"
        assert lines[1] == "=" * len(lines[0]), f"{name}: title must be underlined with '='"
        assert lines[2] == "" and lines[3].strip(), name


def test_the_standard_block_runs_quick_into_fieldgrad_out_and_fails_on_a_bad_row(
    tmp_path, monkeypatch
):
    gallery = _gallery_module()
    namespace = {"__name__": "__main__"}
    source = gallery.with_main_block(OLD_STYLE)
    monkeypatch.setenv("FIELDGRAD_OUT", str(tmp_path / "out"))
    monkeypatch.setenv("FIELDGRAD_QUICK", "1")
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, "demo.py", "exec"), namespace)
    assert json.loads((tmp_path / "out" / "demo.json").read_text())["ok"]
    monkeypatch.setenv("FIELDGRAD_QUICK", "0")  # the row needs quick mode
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(RuntimeError, match="quick"):
        exec(compile(source, "demo.py", "exec"), {"__name__": "__main__"})


FIGURE = '''"""
{title}
{underline}

Draws a line and checks a number.
"""
import matplotlib.pyplot as plt
from fieldgrad.report import check, save_figure, write_report


def run(outdir, quick=False):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    save_figure(fig, "{name}", outdir)
    return write_report("{name}", [check("value", {value}, 1.0)], outdir)
'''

CONF = """
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, {ext!r})
import scenario_gallery

extensions = ["sphinx_gallery.gen_gallery"]
sphinx_gallery_conf = scenario_gallery.configure(DOCS, Path({scenarios!r}))
exclude_patterns = ["_build", "_scenarios"]
"""


def _build_gallery(tmp_path, scenarios):
    """Build a site holding only the gallery of ``scenarios`` (name -> computed value)."""
    pytest.importorskip("sphinx_gallery")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name, value in scenarios.items():
        title = f"The {name} example"
        text = FIGURE.format(title=title, underline="=" * len(title), name=name, value=value)
        (folder / f"{name}.py").write_text(text)
    docs = tmp_path / "docs"
    docs.mkdir()
    conf = CONF.format(ext=str(DOCS / "_ext"), scenarios=str(folder))
    (docs / "conf.py").write_text(conf)
    (docs / "index.rst").write_text("Test\n====\n\n.. toctree::\n\n   gallery/index\n")
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(docs), str(docs / "_b")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_sphinx_builds_one_gallery_page_per_scenario_with_its_figure(tmp_path):
    done = _build_gallery(tmp_path, {"first": 1.0, "second": 1.0})
    assert done.returncode == 0, done.stderr
    html = tmp_path / "docs" / "_b" / "gallery"
    for name in ("first", "second"):
        page = (html / f"{name}.html").read_text(encoding="utf-8")
        assert f"The {name} example" in page
        assert f"sphx_glr_{name}_001.png" in page  # the figure the scenario saved
        assert "value" in page and "yes" in page  # the printed result table
        assert f"{name}.ipynb" in page and f"{name}.py" in page  # downloads
        thumb = tmp_path / "docs" / "gallery" / "images" / "thumb" / f"sphx_glr_{name}_thumb.png"
        assert thumb.stat().st_size > 1000
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "The first example" in index and "The second example" in index


@pytest.mark.slow
def test_a_row_that_is_not_ok_fails_the_docs_build(tmp_path):
    done = _build_gallery(tmp_path, {"good": 1.0, "bad": 2.0})
    assert done.returncode != 0
    assert "bad: result rows not ok: value" in done.stderr + done.stdout
