"""The landscape scenarios run in quick mode, write their figure and pass their own table."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: scenario -> rows other tools look up by name
REQUIRED_ROWS = {
    "rosenbrock_descent": {
        "gd_reaches_minimum",
        "backtracking_reaches_minimum",
        "momentum_grad_norm_increases_at_least_once",
    },
    "muller_brown_irc": {"irc_minimum_A_distance", "irc_minimum_B_distance"},
    "score_bivariate_normal": {"expected_sq_score_rho_0.9"},
    "learning_rate_and_steepness": {
        "normalized_distance_to_minimum",
        "backtracking_distance_to_minimum",
    },
}


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"scenario_{name}", SCENARIOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(REQUIRED_ROWS))
def test_scenario_runs_in_quick_mode(name, tmp_path):
    module = load(name)
    assert module.__doc__.strip().splitlines()[0].endswith(".")
    report = module.run(tmp_path, quick=True)
    assert report["name"] == name
    assert report["ok"], [row for row in report["rows"] if not row["ok"]]
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert json.loads((tmp_path / f"{name}.json").read_text()) == report
    assert REQUIRED_ROWS[name] <= {row["quantity"] for row in report["rows"]}
