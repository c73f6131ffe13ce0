"""The ``fieldgrad`` command: discovery, listing, running, exit statuses, summary."""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
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
    _only_user_scenarios(tmp_path, monkeypatch)
    monkeypatch.setenv(cli.ENV_VAR, str(folder))
    return folder


def _only_user_scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the shipped scenarios, so that a test sees only the folder it made."""
    empty = tmp_path / "no_shipped_scenarios"
    empty.mkdir(exist_ok=True)
    monkeypatch.setattr("fieldgrad._discovery.scenarios_dir", lambda: empty)


def test_user_folders_add_to_the_shipped_scenarios(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, ours = tmp_path / "mine", tmp_path / "ours"
    mine.mkdir()
    ours.mkdir()
    (mine / "passing.py").write_text(textwrap.dedent(PASSING))
    (ours / "polar_lobes.py").write_text(textwrap.dedent(QUICK_FLAG))
    monkeypatch.setenv(cli.ENV_VAR, os.pathsep.join([str(mine), str(ours)]))
    found = cli.discover()
    assert found["passing"].path == mine / "passing.py"
    assert found["polar_lobes"].path == ours / "polar_lobes.py"  # a user's takes its place
    assert "steepness_quadratic" in found  # the shipped ones are still there
    assert list(found) == sorted(found)


def test_default_directory_is_the_repository_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    # From a checkout (editable install, or the source tree on the path) the shipped
    # scenarios are the repository's scenarios/ folder.
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
    assert by_name["raising"]["error"] == "RuntimeError: boom (raising.py, line 6)"
    assert summary["complete"] is True and summary["n_planned"] == 4
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
    _only_user_scenarios(tmp_path, monkeypatch)
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


# ------------------------------------------------------------ faults and interrupts
EXITING = '''
"""Calls sys.exit({code}) in the middle of its run."""
import sys


def run(outdir, quick=False):
    sys.exit({code})
'''

EXITING_ON_IMPORT = '''
"""Calls sys.exit() when imported."""
import sys

sys.exit()


def run(outdir, quick=False): ...
'''

INTERRUPTED = '''
"""Stands for a Ctrl-C that arrives while it runs."""


def run(outdir, quick=False):
    raise KeyboardInterrupt
'''

SLEEPING = '''
"""Says it started, then sleeps until it is interrupted."""
import time
from pathlib import Path


def run(outdir, quick=False):
    Path(outdir, "started").write_text("yes")
    time.sleep(60)
'''


def _folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **scenarios: str) -> Path:
    folder = tmp_path / "user_scenarios"
    folder.mkdir()
    for name, text in scenarios.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    _only_user_scenarios(tmp_path, monkeypatch)
    monkeypatch.setenv(cli.ENV_VAR, str(folder))
    return folder


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("fieldgrad: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("code", [0, 3, "'bye'"])
def test_sys_exit_in_a_scenario_does_not_end_run_all(
    code: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _folder(
        tmp_path,
        monkeypatch,
        a_exiting=EXITING.format(code=code),
        b_on_import=EXITING_ON_IMPORT,
        c_passing=PASSING,
    )
    out = tmp_path / "out"
    assert cli.main(["run", "all", "--out", str(out)]) == 1
    summary = json.loads((out / cli.SUMMARY_FILE).read_text())
    by_name = {s["name"]: s for s in summary["scenarios"]}
    assert by_name["a_exiting"]["error"] == f"called sys.exit({code}) (a_exiting.py, line 7)"
    assert by_name["b_on_import"]["error"].startswith("called sys.exit(None)")
    assert by_name["c_passing"]["ok"]  # the scenario after them still ran
    assert summary["complete"] and not summary["ok"] and summary["n_failed"] == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("fieldgrad: 1/3 scenarios ok")


def test_a_raising_scenario_is_one_line_unless_traceback_is_asked(
    scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["run", "raising", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "[1/1] raising ERROR: RuntimeError: boom (raising.py, line 6)" in err
    assert cli.main(["run", "raising", "--traceback", "--out", str(tmp_path)]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_ctrl_c_keeps_finished_results_and_an_incomplete_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _folder(tmp_path, monkeypatch, a_passing=PASSING, b_interrupted=INTERRUPTED, c_never=QUICK_FLAG)
    out = tmp_path / "out"
    assert cli.main(["run", "all", "--out", str(out)]) == cli.EXIT_INTERRUPTED
    assert json.loads((out / "passing.json").read_text())["ok"]
    assert not (out / "quick_flag.json").exists()
    summary = json.loads((out / cli.SUMMARY_FILE).read_text())
    assert summary["complete"] is False and summary["ok"] is False
    assert summary["n_planned"] == 3
    assert [s["name"] for s in summary["scenarios"]] == ["a_passing"]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"fieldgrad: interrupted after 1 of 3 scenarios; their results and "
        f"{cli.SUMMARY_FILE} (marked incomplete) are in {out}"
    )


def test_sigint_to_the_command_stops_it_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "user_scenarios"
    folder.mkdir()
    (folder / "a_passing.py").write_text(textwrap.dedent(PASSING))
    (folder / "b_sleeping.py").write_text(textwrap.dedent(SLEEPING))
    (folder / "c_never.py").write_text(textwrap.dedent(QUICK_FLAG))
    out = tmp_path / "out"
    env = dict(os.environ, **{cli.ENV_VAR: str(folder), "MPLBACKEND": "Agg"})
    process = subprocess.Popen(
        [sys.executable, "-m", "fieldgrad", "run", "a_passing", "b_sleeping", "c_never"]
        + ["--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "started").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the sleeping scenario never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == cli.EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("fieldgrad: interrupted after 1 of 3 scenarios")
    summary = json.loads((out / cli.SUMMARY_FILE).read_text())
    assert summary["complete"] is False
    assert [s["name"] for s in summary["scenarios"]] == ["a_passing"]
    assert (out / "passing.json").exists() and not (out / "quick_flag.json").exists()


def test_out_onto_an_existing_file_is_a_one_line_error(
    scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    target = tmp_path / "taken.txt"
    target.write_text("keep me")
    assert cli.main(["run", "passing", "--out", str(target)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "--out must be a folder" in line and "existing file" in line
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_out_onto_an_unwritable_folder_is_a_one_line_error(
    where: str, scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    if where == "under_a_file":
        (tmp_path / "file").write_text("")
        out = tmp_path / "file" / "results"
    else:  # nobody, not even root, may make a folder in /proc
        out = Path("/proc/fieldgrad-results")
        if not Path("/proc").is_dir():
            pytest.skip("no /proc on this system")
    assert cli.main(["run", "passing", "--out", str(out)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"--out folder {str(out)!r} is not writable" in line


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_out_onto_a_read_only_folder_is_a_one_line_error(
    scenario_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert cli.main(["run", "passing", "--out", str(locked)]) == 2
    assert "is not writable" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "argv", [["run", "pasing"], ["frobnicate"], ["run"], ["run", "passing", "--fast"]]
)
def test_usage_errors_are_one_line(
    argv: list[str], scenario_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(argv) == 2
    _one_line(capsys.readouterr().err)


def test_version_comes_from_the_installed_metadata(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fieldgrad {importlib.metadata.version('fieldgrad')}"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise(
    scenario_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["passing", "quick_flag", "--quick", "--out", str(tmp_path)]
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["run", *names]) == 0
    bar = terminal.getvalue()
    assert "\r" in bar and "2/2" in bar and "100%" in bar  # tqdm redraws one line
    assert "[2/2] quick_flag ok" in bar  # the per-scenario lines are still there

    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert cli.main(["run", *names]) == 0
    lines = pipe.getvalue()
    assert "\r" not in lines and "%" not in lines
    assert lines.splitlines()[:2] == ["[1/2] passing ...", lines.splitlines()[1]]
    assert lines.splitlines()[1].startswith("[1/2] passing ok in ")


@pytest.mark.skipif(os.name != "posix", reason="needs a shell pipe")
def test_list_into_a_reader_that_stops_early_is_quiet(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    description = "A scenario. " * 20
    text = f'"""{description}"""\ndef run(outdir, quick=False): ...\n'
    for i in range(1000):  # 250 kB, more than a pipe's buffer
        (folder / f"s{i:04d}.py").write_text(text)
    env = dict(os.environ, **{cli.ENV_VAR: str(folder)})
    done = subprocess.run(
        f"'{sys.executable}' -m fieldgrad list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    # the shipped scenarios come first (alphabetically); the 1000 of the user's follow
    assert len(done.stdout.splitlines()) == 1
    assert done.stdout.split()[0] == min(cli.discover())
    assert done.stderr == ""
