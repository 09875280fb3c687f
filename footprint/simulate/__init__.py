"""Simulated world generator: a seeded population on social platforms and search engines, real media
files, and a ground truth of which item belongs to whom. The format is docs/world-format.md."""

from footprint.simulate.faces import FacePoolError
from footprint.simulate.speech import SpeechError
from footprint.simulate.subjects import (
    DEFAULT_FACES_DIR,
    DEMO_SUBJECT,
    SubjectSpec,
    load_subject_specs,
    parse_address,
    subject_spec_from_profile,
)
from footprint.simulate.world import WorldExistsError, WorldSummary, generate_world

__all__ = [
    "DEFAULT_FACES_DIR",
    "DEMO_SUBJECT",
    "FacePoolError",
    "SpeechError",
    "SubjectSpec",
    "WorldExistsError",
    "WorldSummary",
    "generate_world",
    "load_subject_specs",
    "parse_address",
    "subject_spec_from_profile",
]
