"""The biology scenarios run in quick mode, write their outputs and all their rows pass."""

import importlib.util
import json
from pathlib import Path

import pytest

from fieldgrad.cli import discover

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ROWS = {
    "angiogenesis": [
        "fraction_of_sprouts_reaching_tumour",
        "mean_tip_speed_over_chi_grad_c",
        "steady_profile_max_rel_error",
    ],
    "vegf_gradient": [
        "max_rel_error_profile_3d",
        "max_rel_error_profile_2d",
        "grad_norm_peak_radius",
    ],
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_scenario_runs_and_passes(name, tmp_path):
    spec = importlib.util.spec_from_file_location(name, SCENARIOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.run(tmp_path, quick=True)
    assert [row["quantity"] for row in report["rows"]] == ROWS[name]
    assert report["ok"], report
    assert json.loads((tmp_path / f"{name}.json").read_text()) == report
    assert (tmp_path / f"{name}.png").stat().st_size > 50_000
    assert module.__doc__.splitlines()[0].strip()
    assert name in discover(SCENARIOS)
