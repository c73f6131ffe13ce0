"""The documentation's code runs and its quoted numbers are the ones the code measures.

* ``docs/tutorials/getting_started.py`` prints what ``docs/getting_started.md`` shows;
* ``docs/tutorials/extend_fieldgrad.py`` measures the orders that
  ``docs/tutorials/extend_fieldgrad.md`` quotes, and its checks hold;
* every ``python`` code block of the user guide runs;
* ``docs/make_gallery.py`` turns a scenario's results into a page, and refuses
  to write the gallery when a scenario's results are missing.
"""

from __future__ import annotations

import contextlib
import io
import re
import runpy
import sys
from pathlib import Path

import pytest

from fieldgrad.cli import main as fieldgrad_main
from fieldgrad.grids.base import Grid

DOCS = Path(__file__).resolve().parents[1] / "docs"
TUTORIALS = DOCS / "tutorials"
#: Pages whose ``python`` code blocks are complete programs, run top to bottom.
RUNNABLE_PAGES = sorted((DOCS / "guide").glob("*.md")) + [DOCS / "index.md"]


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
@pytest.fixture
def make_gallery(tmp_path, monkeypatch):
    """``docs/make_gallery.py`` writing into ``tmp_path/gallery`` for scenarios in ``tmp_path``."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    monkeypatch.setenv("FIELDGRAD_SCENARIOS", str(scenarios))
    module = runpy.run_path(str(DOCS / "make_gallery.py"))
    gallery = tmp_path / "gallery"
    module["main"].__globals__["GALLERY"] = gallery
    return module, scenarios, gallery


DEMO = '''"""A demo: |grad x| = 1 on [0, 1].

The story, with *stars*, [brackets], $dollars$ and ``code``.
"""
import matplotlib.pyplot as plt
import fieldgrad as fg
from fieldgrad.report import check, write_report


def run(outdir, quick=False):
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(16,))
    f = fg.ScalarField.from_function(grid, lambda x: x)
    fig, ax = plt.subplots()
    f.gradient_norm().plot(ax=ax)
    fig.savefig(f"{outdir}/demo.png")
    rows = [check("grad_norm", float(f.gradient_norm().data.mean()), 1.0)]
    return write_report("demo", rows, outdir)
'''


def test_make_gallery_writes_a_page_per_scenario(make_gallery):
    module, scenarios, gallery = make_gallery
    (scenarios / "demo.py").write_text(DEMO)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert fieldgrad_main(["run", "all", "--quick", "--out", str(gallery)]) == 0
        assert module["main"]([]) == 0
    page = (gallery / "demo.md").read_text(encoding="utf-8")
    assert page.startswith("# A demo: \\|grad x\\| = 1 on \\[0, 1\\]\n")
    assert "with \\*stars\\*, \\[brackets\\], \\$dollars\\$ and ``code``." in page
    assert "![demo](demo.png)" in page
    assert "| `grad_norm` | 1 | 1 | 0 | yes |" in page
    assert "in quick mode" in page
    index = (gallery / "index.md").read_text(encoding="utf-8")
    assert "(demo.md)" in index and "\ndemo\n" in index


def test_make_gallery_refuses_missing_results(make_gallery):
    module, scenarios, gallery = make_gallery
    (scenarios / "demo.py").write_text(DEMO)
    gallery.mkdir()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert module["main"]([]) == 1
    assert "demo" in err.getvalue()
    assert not (gallery / "index.md").exists()
