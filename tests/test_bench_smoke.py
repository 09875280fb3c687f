"""Smoke test of ``python -m bench``: the tiniest run writes valid JSON with the expected keys.

It checks the shape of the output, never the timings, which depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import MYSQL_SERVER_URL
from tests.scanning import ROOT

pytestmark = pytest.mark.slow

RESULT_KEYS = {"scenario", "metric", "value", "unit", "reference", "ratio", "target", "note", "passed"}


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    """Run the media, memory and load scenarios once with one image, one audio file and 50 rows."""
    work_dir = tmp_path_factory.mktemp("bench")
    output = work_dir / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--scenarios", "media,memory,load", "--rounds", "1", "--media-images", "1",
         "--media-audio", "1", "--rows", "50", "--output", str(output), "--work-dir", str(work_dir),
         "--mysql-url", MYSQL_SERVER_URL],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    return completed, output


def test_bench_exits_zero_and_prints_table(bench_run):
    completed, _output = bench_run
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "footprint benchmarks" in completed.stdout
    assert "pass/fail" in completed.stdout


def test_bench_json_has_machine_and_command(bench_run):
    _completed, output = bench_run
    document = json.loads(output.read_text(encoding="utf-8"))
    assert {"format", "run_id", "command", "started_at", "finished_at", "machine", "options", "results", "errors",
            "details"} <= set(document)
    assert document["command"].startswith("python -m bench --scenarios media,memory,load")
    machine = document["machine"]
    assert machine["cpu_model"]
    assert machine["logical_cores"] >= 1
    assert machine["memory_total_mib"] > 0
    assert machine["python"].startswith("3.")
    assert machine["packages"]["faster-whisper"] != "not installed"
    assert set(machine["servers"]) == {"mariadb", "redis"}
    assert document["errors"] == []


def test_bench_json_rows_per_scenario(bench_run):
    _completed, output = bench_run
    results = json.loads(output.read_text(encoding="utf-8"))["results"]
    for row in results:
        assert set(row) == RESULT_KEYS, row
    metrics = {(row["scenario"], row["metric"]): row for row in results}

    faces = metrics[("media", "faces: pipeline vs bare loop")]
    assert faces["value"] > 0
    assert faces["reference"] > 0
    assert faces["target"] == ">= 0.8"
    assert isinstance(faces["passed"], bool)
    assert "faces found equal on both sides" in faces["note"]
    assert metrics[("media", "speech: pipeline vs bare loop")]["value"] > 0

    loaded = metrics[("memory", "peak RSS with both models loaded")]["value"]
    assert loaded > metrics[("memory", "RSS after imports")]["value"]

    load_rows = [row for row in results if row["scenario"] == "load"]
    if load_rows[0]["metric"] == "skipped":
        assert "MariaDB not reachable" in load_rows[0]["note"]
    else:
        upsert = metrics[("load", "bulk upsert vs executemany")]
        assert upsert["value"] > 0
        assert upsert["ratio"] == pytest.approx(upsert["value"] / upsert["reference"])
