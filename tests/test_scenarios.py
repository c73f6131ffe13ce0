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
#: A quick scenario that takes longer than this is too slow for `run all --quick`.
QUICK_SECONDS = 30

#: The repository's scenarios (whatever FIELDGRAD_SCENARIOS says), and an environment
#: in which the command finds them too.
SCENARIO_DIR = Path(fieldgrad.__file__).resolve().parents[1] / "scenarios"
SCENARIOS = sorted(discover(SCENARIO_DIR))
_env = {k: v for k, v in os.environ.items() if k != ENV_VAR}


def test_scenarios_are_found() -> None:
    assert len(SCENARIOS) >= 4
    assert {"steepness_quadratic", "inverse_square", "polar_lobes", "sphere_geodesic"} <= set(
        SCENARIOS
    )


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
    assert (tmp_path / f"{name}.png").stat().st_size > 0


def test_scenario_docstrings_describe_them() -> None:
    found = discover(SCENARIO_DIR)
    for name, scenario in found.items():
        assert scenario.description, f"{name} has no one-line docstring"
        text = scenario.path.read_text(encoding="utf-8")
        assert 'if __name__ == "__main__":' in text, f"{name} cannot run as a script"
