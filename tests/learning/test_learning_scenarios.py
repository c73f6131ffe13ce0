"""The learning scenarios run in quick mode, write their outputs and all their rows pass."""

import importlib.util
import json
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ROWS = {
    "pooling_gradients": ["avgpool_norm_ratio_per_layer", "maxpool_norm_ratio_per_layer"],
    "exploding_gradients": [
        "gradient_growth_per_layer",
        "unclipped_diverges",
        "clipped_final_loss",
    ],
    "attention_scaling": [
        "scaled_grad_norm_spread",
        "unscaled_logit_std_slope",
        "scaled_logit_std",
    ],
    "gradient_penalty": [
        "mean_grad_norm_on_interpolates",
        "penalty_excess_slope",
        "wasserstein_distance",
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
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert module.__doc__.splitlines()[0].strip()
