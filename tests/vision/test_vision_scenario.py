"""The edge-detection scenario runs in quick mode and all its rows pass."""

import importlib.util
import json
from pathlib import Path

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "edge_detection.py"


def test_edge_detection_scenario(tmp_path):
    spec = importlib.util.spec_from_file_location("edge_detection", SCENARIO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.run(tmp_path, quick=True)
    quantities = [row["quantity"] for row in report["rows"]]
    assert quantities == ["edge_recall", "edge_precision", "rotation_invariance"]
    assert report["ok"], report
    assert json.loads((tmp_path / "edge_detection.json").read_text()) == report
    assert (tmp_path / "edge_detection.png").stat().st_size > 10_000
    assert module.__doc__.splitlines()[0].strip()
