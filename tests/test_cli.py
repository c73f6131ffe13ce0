"""The ``fieldgrad`` command: discovery, listing, running, exit statuses, summary."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib
import pytest

from fieldgrad import cli

matplotlib.use("Agg")

PASSING = '''
"""A scenario whose only row is ok.

More text that is not part of the description.
"""
from pathlib import Path
from fieldgrad.report import check, write_report


def run(outdir, quick=False):
    Path(outdir, "passing.png").write_bytes(b"")
    return write_report("passing", [check("one", 1.0, 1.0)], outdir)
'''

FAILING = '''
"""A scenario with a row that is not ok."""
from fieldgrad.report import check, write_report


def run(outdir, quick=False):
    rows = [check("fine", 2.0, 2.0), check("off_by_ten_percent", 1.1, 1.0, rtol=1e-3)]
    return write_report("failing", rows, outdir)
'''

RAISING = '''
"""A scenario that raises."""


def run(outdir, quick=False):
    raise RuntimeError("boom")
'''

QUICK_FLAG = '''
"""Records whether it ran in quick mode."""
from fieldgrad.report import check, write_report


def run(outdir, quick=False):
    return write_report("quick_flag", [check("quick", float(quick), 1.0)], outdir)
'''


@pytest.fixture
def scenario_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scenario directory with a passing, a failing and a raising scenario, plus noise."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name, text in [
        ("passing", PASSING),
        ("failing", FAILING),
        ("raising", RAISING),
        ("quick_flag", QUICK_FLAG),
    ]:
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    (folder / "_helpers.py").write_text("def run(outdir, quick=False): ...\n")
    (folder / "not_a_scenario.py").write_text('"""No run here."""\nX = 1\n')
    (folder / "notes.txt").write_text("def run(): ...\n")
    monkeypatch.setenv(cli.ENV_VAR, str(folder))
    return folder


def test_default_directory_is_the_repository_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.ENV_VAR, raising=False)
    import fieldgrad

    assert cli.scenarios_dir() == Path(fieldgrad.__file__).resolve().parents[1] / "scenarios"


def test_discover_keeps_files_defining_run(scenario_dir: Path) -> None:
    found = cli.discover()
    assert list(found) == ["failing", "passing", "quick_flag", "raising"]
    assert found["passing"].description == "A scenario whose only row is ok."
    assert found["passing"].path == scenario_dir / "passing.py"


def test_discover_missing_directory_is_empty(tmp_path: Path) -> None:
    assert cli.discover(tmp_path / "nowhere") == {}


def test_list_prints_names_and_first_docstring_line(
    scenario_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[1].split(None, 1) == ["passing", "A scenario whose only row is ok."]
    assert lines[0].split(None, 1) == ["failing", "A scenario with a row that is not ok."]
    # names are padded to one column
    description_columns = {
        line.index(scenario.description)
        for line, scenario in zip(lines, cli.discover().values(), strict=True)
    }
    assert len(description_columns) == 1


def test_list_of_the_repository_has_the_physics_scenarios(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(cli.ENV_VAR, raising=False)
    assert cli.main(["list"]) == 0
    names = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert {"steepness_quadratic", "inverse_square", "polar_lobes", "sphere_geodesic"} <= names


def test_unknown_name_suggests_the_closest_and_exits_2(
    scenario_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run", "pasing"]) == 2
    err = capsys.readouterr().err
    assert "unknown scenario 'pasing'" in err
    assert "did you mean 'passing'?" in err


def test_unknown_name_runs_nothing(scenario_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.main(["run", "passing", "zzz_unrelated", "--out", str(out)]) == 2
    assert not (out / "passing.json").exists()


@pytest.mark.parametrize(
    "argv",
    [[], ["run"], ["frobnicate"], ["run", "passing", "--fast"], ["list", "extra"]],
)
def test_usage_errors_exit_2(scenario_dir: Path, argv: list[str]) -> None:
    assert cli.main(argv) == 2


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    assert "run" in capsys.readouterr().out


def test_run_passing_scenario(
    scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert cli.main(["run", "passing", "--out", str(out)]) == 0
    report = json.loads((out / "passing.json").read_text())
    assert report["ok"] is True
    assert report["rows"][0]["quantity"] == "one"
    assert (out / "passing.png").exists()
    captured = capsys.readouterr()
    assert "[1/1] passing ok" in captured.err  # progress on stderr
    assert "one" in captured.out  # the scenario's table on stdout
    assert not (out / cli.SUMMARY_FILE).exists()  # only `run all` writes a summary


def test_failing_row_exits_1_and_names_the_row(
    scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run", "failing", "passing", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "off_by_ten_percent" in err
    assert "1/2 scenarios ok" in err
    assert json.loads((tmp_path / "passing.json").read_text())["ok"]


def test_raising_scenario_is_reported_and_the_others_still_run(
    scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run", "raising", "passing", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err
    assert (tmp_path / "passing.json").exists()


def test_run_all_writes_a_summary(scenario_dir: Path, tmp_path: Path) -> None:
    assert cli.main(["run", "all", "--quick", "--out", str(tmp_path)]) == 1
    summary = json.loads((tmp_path / cli.SUMMARY_FILE).read_text())
    assert summary["ok"] is False
    assert summary["quick"] is True
    assert summary["n_scenarios"] == 4
    assert summary["n_failed"] == 2
    by_name = {s["name"]: s for s in summary["scenarios"]}
    assert by_name["failing"]["failed_rows"] == ["off_by_ten_percent"]
    assert by_name["raising"]["error"] == "RuntimeError: boom"
    assert by_name["passing"]["ok"] and by_name["quick_flag"]["ok"]


def test_quick_flag_reaches_the_scenario(scenario_dir: Path, tmp_path: Path) -> None:
    assert cli.main(["run", "quick_flag", "--out", str(tmp_path)]) == 1
    assert cli.main(["run", "quick_flag", "--quick", "--out", str(tmp_path)]) == 0


def test_names_may_repeat_or_carry_py(scenario_dir: Path, tmp_path: Path) -> None:
    assert cli.main(["run", "passing.py", "passing", "--out", str(tmp_path)]) == 0


def test_default_output_directory_is_results(
    scenario_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "passing"]) == 0
    assert (tmp_path / "results" / "passing.json").exists()


def test_no_scenarios_found_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.ENV_VAR, str(tmp_path / "empty"))
    assert cli.main(["list"]) == 2
    assert cli.main(["run", "all"]) == 2


def test_real_scenario_runs_into_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.ENV_VAR, raising=False)
    assert cli.main(["run", "steepness_quadratic", "--quick", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "steepness_quadratic.json").read_text())
    assert report["ok"] and {r["quantity"] for r in report["rows"]} >= {
        "grad_norm_at_2_1",
        "grad_l1_at_2_1",
        "grad_linf_at_2_1",
    }
    assert (tmp_path / "steepness_quadratic.png").stat().st_size > 0


def test_python_dash_m_fieldgrad(scenario_dir: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fieldgrad", "run", "failing", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "off_by_ten_percent" in done.stderr
