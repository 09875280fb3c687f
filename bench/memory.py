"""Resident memory of a worker process with the face models and the speech model loaded."""

from __future__ import annotations

from pathlib import Path

from bench.context import Context
from bench.results import Result
from bench.services import child_env, run_child

#: Files the child analyses once after loading the models.
ASSETS = Path(__file__).resolve().parent.parent / "footprint" / "assets"


def run(context: Context) -> list[Result]:
    """Load both models in a fresh process and report its memory after each step."""
    folder = context.run_dir("memory")
    measured = run_child(["models", "--image", str(ASSETS / "faces" / "obama.jpg"), "--audio", str(ASSETS / "speech" / "jfk.flac")],
                         child_env(data_dir=folder / "data"), folder / "result.json", folder / "child.log", 600)
    context.details["memory"] = measured
    rss = measured["rss_mib"]
    return [
        Result("memory", "RSS after imports", rss["imports"], "MiB"),
        Result("memory", "RSS with face models", rss["face_models"], "MiB"),
        Result("memory", "RSS with face and speech models", rss["speech_model"], "MiB", note=measured["speech_model"]),
        Result("memory", "peak RSS with both models loaded", measured["peak_rss_models_loaded_mib"], "MiB"),
        Result("memory", "peak RSS after one image and one audio file", measured["peak_rss_mib"], "MiB",
               note="obama.jpg and jfk.flac (11 s)"),
    ]
