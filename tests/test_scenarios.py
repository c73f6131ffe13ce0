"""Every scenario in scenarios/ runs through the command in quick mode, and all its rows are ok.

The list is discovered the way ``fieldgrad list`` finds it, so a new scenario
file is tested as soon as it exists.  Each runs in its own process, exactly
as a user would run it: ``python -m fieldgrad run NAME --quick --out DIR``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fieldgrad
from fieldgrad.cli import ENV_VAR, discover

#: Keys of every result row (fieldgrad.report.Row).
ROW_KEYS = {"quantity", "computed", "reference", "rel_error", "ok"}
#: Rows each scenario must report, by the quantity names its issue fixed (users and
#: the docs look them up by name); scenarios may report more.
REQUIRED_ROWS = {
    "steepness_quadratic": {
        "grad_norm_at_2_1",
        "grad_l1_at_2_1",
        "grad_linf_at_2_1",
        "grad_norm_squared_at_2_1",
    },
    "inverse_square": {"loglog_slope", "gauss_flux_over_4pi_k"},
    "polar_lobes": {"grad_norm_at_r_0.5", "angular_spread_of_grad_norm"},
    "sphere_geodesic": {
        "max_abs_grad_norm_minus_1",
        "max_error_vs_haversine_over_half_circumference",
        "path_max_offset_from_great_circle_km",
        "path_length_km",
    },
    "seismic_travel_time": {
        "max_abs_error_s",
        "convergence_order",
        "first_arrival_at_14_km_s",
        "ray_max_deviation_from_circle_km",
    },
    "wildfire_on_terrain": {
        "flat_max_rel_error",
        "uniform_slope_max_rel_error",
        "terrain_later_than_flat_rel",
    },
    "contour_spacing": {"field_ratio_A_over_B", "max_rel_error_of_spacing_estimate"},
    "tapering_pipe": {
        "grad_ratio_half_radius",
        "loglog_slope_grad_vs_radius",
        "flow_rate_recovered_over_prescribed",
    },
    "terrain_slope": {"mean_slope_deg", "max_slope_deg", "fraction_steeper_than_15_deg"},
    "angiogenesis": {
        "fraction_of_sprouts_reaching_tumour",
        "mean_tip_speed_over_chi_grad_c",
        "steady_profile_max_rel_error",
        "vegf_mass_budget_window",
        "vegf_mass_budget_disk",
    },
    "agents_vs_continuum": {
        "l1_histogram_vs_boltzmann",
        "l1_histogram_vs_pde_solve_at_t",
    },
    "vegf_gradient": {
        "max_rel_error_profile_3d",
        "max_rel_error_profile_2d",
        "grad_norm_peak_radius",
    },
    "rosenbrock_descent": {
        "gd_reaches_minimum",
        "backtracking_reaches_minimum",
        "momentum_grad_norm_increases_at_least_once",
        "quadratic_gd_grad_norm_rises",
        "quadratic_momentum_grad_norm_rises",
        "quadratic_gd_iterations_to_gtol",
        "quadratic_momentum_iterations_to_gtol",
    },
    "learning_rate_and_steepness": {
        "normalized_step_length_over_h",
        "normalized_final_amplitude_over_h",
        "normalized_adaptive_distance_to_minimum",
    },
    "gradient_norm_penalty": {
        "sharp_fraction_lambda_0",
        "flat_fraction_lambda_0",
        "sharp_fraction_penalised",
        "flat_fraction_penalised",
        "sharp_minimiser_vs_scipy",
        "flat_minimiser_vs_scipy",
    },
    "muller_brown_irc": {"irc_minimum_A_distance", "irc_minimum_B_distance"},
    "score_bivariate_normal": {"expected_sq_score_rho_0.9"},
    "edge_detection": {"edge_recall", "edge_precision", "rotation_invariance"},
    "pooling_gradients": {"avgpool_norm_ratio_per_layer", "maxpool_norm_ratio_per_layer"},
    "exploding_gradients": {"unclipped_diverges", "clipped_final_loss"},
    "attention_scaling": {"scaled_grad_norm_spread", "unscaled_logit_std_slope"},
    "gradient_penalty": {"mean_grad_norm_on_interpolates"},
    "keller_segel_aggregation": {"growth_rate_vs_linear_theory", "total_cells_conserved"},
    "fisher_kpp_invasion": {"front_speed_late_window", "corrected_speed_vs_2_sqrt_rD"},
    "gray_scott_sphere": {"fastest_growing_degree", "growth_rate_of_fastest_degree"},
}
#: A quick scenario that takes longer than this is too slow for `run all --quick`.
QUICK_SECONDS = 30

#: The repository's scenarios (whatever FIELDGRAD_SCENARIOS says), and an environment
#: in which the command finds them too.
SCENARIO_DIR = Path(fieldgrad.__file__).resolve().parents[1] / "scenarios"
SCENARIOS = sorted(discover(SCENARIO_DIR))
_env = {k: v for k, v in os.environ.items() if k != ENV_VAR}


def test_scenarios_are_found() -> None:
    assert len(SCENARIOS) >= 4
    assert set(REQUIRED_ROWS) <= set(SCENARIOS)


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_runs_quick_and_every_row_is_ok(name: str, tmp_path: Path) -> None:
    env = dict(_env, MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, "-m", "fieldgrad", "run", name, "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=QUICK_SECONDS * 4,
        check=False,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"

    report = json.loads((tmp_path / f"{name}.json").read_text())
    assert report["name"] == name
    assert report["ok"] is True
    assert report["rows"], f"{name} reports no rows"
    for row in report["rows"]:
        assert set(row) >= ROW_KEYS, row
        assert isinstance(row["quantity"], str) and row["quantity"]
        assert row["ok"] is True, row
    quantities = [row["quantity"] for row in report["rows"]]
    assert len(set(quantities)) == len(quantities), quantities
    assert REQUIRED_ROWS.get(name, set()) <= set(quantities)
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000  # a real figure, not a blank


def test_scenario_docstrings_describe_them() -> None:
    found = discover(SCENARIO_DIR)
    for name, scenario in found.items():
        assert scenario.description, f"{name} has no one-line docstring"
        text = scenario.path.read_text(encoding="utf-8")
        assert 'if __name__ == "__main__":' in text, f"{name} cannot run as a script"
