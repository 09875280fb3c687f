"""Generate a simulated world directory (see docs/world-format.md) from a seed and the subjects.

On one machine, the same seed, population size, subjects, face pool, locale and media scale give
the same bytes in every file. All draws come from seeded generators, dates count back from a fixed
base date, and media encoders run single-threaded in bit-exact mode. Records are streamed to disk
person by person, so memory does not grow with the population.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from footprint import __version__
from footprint.simulate.activity import person_activity
from footprint.simulate.cases import IdCounters, SubjectCases
from footprint.simulate.context import WorldContext, scenery_budget, video_budget
from footprint.simulate.engines import SearchIndex
from footprint.simulate.faces import load_face_pool
from footprint.simulate.groundtruth import person_record
from footprint.simulate.identifiers import mask_email, parse_phone
from footprint.simulate.media import MEDIA_DIR, SCRATCH_DIR, MediaStore
from footprint.simulate.platforms import PlatformWriter
from footprint.simulate.population import PopulationFactory, person_rng
from footprint.simulate.speech import espeak_version
from footprint.simulate.subjects import DEFAULT_FACES_DIR, SubjectSpec
from footprint.simulate.writer import GROUND_TRUTH_FILE, WorldWriter

logger = logging.getLogger(__name__)

#: Version of the world directory format written here.
WORLD_FORMAT = 1

#: Manifest file name, and every entry a world owns in its directory (removed on overwrite).
MANIFEST_FILE = "manifest.json"
WORLD_ENTRIES = (MANIFEST_FILE, "platforms", "engines", MEDIA_DIR, GROUND_TRUTH_FILE, SCRATCH_DIR)

#: Largest population accepted, people; the generator is linear, this only catches typing errors.
MAX_PEOPLE = 1_000_000

#: Range of the media scale factor.
MAX_MEDIA_SCALE = 100.0

#: Distributions whose versions go into the manifest.
VERSIONED_PACKAGES = ("faker", "moviepy", "pillow", "numpy", "imageio-ffmpeg", "face-recognition")


class WorldExistsError(FileExistsError):
    """The output folder is not empty and overwriting was not requested."""


@dataclass
class WorldSummary:
    """Summary of a world written by generate_world.

    Parameters:
        path: the world directory.
        seed: the seed used.
        people: base people requested.
        population: everyone in the world (base people, subjects and their hard-case people).
        files: record count per JSONL file, keyed by path relative to the world directory.
        media_count: media files written.
        subjects: per subject, its person_id, subject_id, full_name and primary email.
        elapsed_s: wall time of the generation, seconds (not written to the world).
    """

    path: Path
    seed: int
    people: int
    population: int
    files: dict[str, int]
    media_count: int
    subjects: list[dict[str, Any]] = field(default_factory=list)
    elapsed_s: float = 0.0


def _package_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["espeak-ng"] = espeak_version()
    return versions


def check_output(out_dir: Path, overwrite: bool) -> None:
    """Raise WorldExistsError when ``out_dir`` is a file, or a non-empty folder and ``overwrite`` is not set."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WorldExistsError(f"output path {out_dir} is a file: choose a folder for the world")
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise WorldExistsError(
            f"output folder {out_dir} is not empty: choose another folder or pass --force to replace the world in it"
        )


def prepare_output(out_dir: Path, overwrite: bool) -> None:
    """Create ``out_dir``, or empty a world in it when ``overwrite`` is set.

    Raises WorldExistsError as :func:`check_output` does. Overwriting removes only the entries a
    world owns (WORLD_ENTRIES); other files in the folder stay.
    """
    check_output(out_dir, overwrite)
    if out_dir.exists():
        for name in WORLD_ENTRIES:
            entry = out_dir / name
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            elif entry.exists() or entry.is_symlink():
                entry.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def validate_subjects(subjects: list[SubjectSpec], phone_region: str) -> None:
    """Check each subject's name, emails, phones and photos. Raises ValueError naming the bad value."""
    for number, spec in enumerate(subjects, start=1):
        if not spec.full_name or not spec.full_name.strip():
            raise ValueError(f"subject {number} has an empty full name: give the subject's name")
        for email in spec.emails:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError as error:
                raise ValueError(f"invalid email {email!r} of subject {number}: {error}") from None
        for phone in spec.phones:
            parse_phone(phone, phone_region)
        for photo in spec.photos:
            if not Path(photo).is_file():
                raise ValueError(f"subject photo {photo} not found: give an existing JPEG or PNG file")


def _progress(enabled: bool, total: int):
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("generating world"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    progress.start()
    progress.add_task("people", total=total)
    return progress


def generate_world(
    out_dir: Path,
    *,
    people: int,
    seed: int,
    subjects: list[SubjectSpec],
    faces_dir: Path | None = None,
    locale: str = "en_US",
    progress: bool = False,
    media_scale: float = 1.0,
    overwrite: bool = False,
    phone_region: str | None = None,
) -> WorldSummary:
    """Write a simulated world to ``out_dir`` and return a summary.

    Parameters:
        out_dir: world directory; must be empty or missing unless ``overwrite``.
        people: number of base people, beside the subjects and their hard-case people.
        seed: seed of every random draw.
        subjects: subjects to plant, each with namesakes, a look-alike and neighbours.
        faces_dir: face pool folder (default: the bundled public-domain photos).
        locale: Faker locale of names and addresses, e.g. "en_US" or "de_DE".
        progress: show a progress bar on the terminal.
        media_scale: factor on the number of distinct base-people videos and scenery pictures.
        overwrite: replace a world already in ``out_dir``.
        phone_region: region for subjects' national-format phones (default: settings.default_region).

    Raises ValueError on invalid arguments, FacePoolError on an unusable face pool or subject photo,
    WorldExistsError on a non-empty folder, and SpeechError when speech synthesis is unavailable.
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    if not 0 <= people <= MAX_PEOPLE:
        raise ValueError(f"invalid number of people {people}: use 0 to {MAX_PEOPLE}")
    if not 0 < media_scale <= MAX_MEDIA_SCALE:
        raise ValueError(f"invalid media scale {media_scale}: use a number above 0 and at most {MAX_MEDIA_SCALE:g}")
    if phone_region is None:
        from config.settings import get_settings

        phone_region = get_settings().default_region
    try:
        from faker import Faker

        Faker(locale)
    except AttributeError:
        raise ValueError(f"invalid locale {locale!r}: use a Faker locale such as en_US, en_GB or de_DE") from None
    validate_subjects(subjects, phone_region)
    # Checked before the face pool is loaded (seconds), and again when the folder is prepared.
    check_output(out_dir, overwrite)
    faces_dir = Path(faces_dir) if faces_dir is not None else DEFAULT_FACES_DIR

    subject_ids = [f"S{number:04d}" for number in range(1, len(subjects) + 1)]
    pool = load_face_pool(faces_dir, {pid: list(spec.photos) for pid, spec in zip(subject_ids, subjects)})
    prepare_output(out_dir, overwrite)

    writer = WorldWriter(out_dir)
    media = MediaStore(out_dir, writer)
    factory = PopulationFactory(seed, locale, pool, phone_region)
    ctx = WorldContext(
        seed=seed,
        writer=writer,
        media=media,
        platforms=PlatformWriter(writer),
        index=SearchIndex(writer),
        pool=pool,
        fake=factory.fake,
        video_budget=video_budget(people, media_scale),
        scenery_budget=scenery_budget(people, media_scale),
        people=people,
    )
    bar = _progress(progress, len(subjects) + people)
    population = 0
    try:
        # Subjects are built first so that their emails and phones are reserved before anyone else's.
        subject_people = [factory.subject(number, spec) for number, spec in enumerate(subjects, start=1)]
        counters = IdCounters()
        for subject in subject_people:
            population += SubjectCases(ctx, factory, subject, counters).write()
            if bar:
                bar.advance(bar.task_ids[0])
        for number in range(1, people + 1):
            ctx.current_number = number
            person = factory.base(number)
            writer.ground_truth(person_record(person))
            rng = person_rng(seed, person.person_id)
            _profiles, documents = person_activity(ctx, person, rng)
            ctx.index.publish(documents, rng)
            ctx.forget_people()
            population += 1
            if bar:
                bar.advance(bar.task_ids[0])
    finally:
        if bar:
            bar.stop()
        writer.close()
        media.close()

    summary_subjects = [
        {"person_id": person.person_id, "subject_id": person.subject_id, "full_name": person.full_name,
         "email": person.email}
        for person in subject_people
    ]
    files = {name: writer.counts[name] for name in sorted(writer.counts)}
    manifest = {
        "format": WORLD_FORMAT,
        "seed": seed,
        "people": people,
        "population": population,
        "locale": locale,
        "media_scale": media_scale,
        "generator": f"footprint {__version__}",
        "created_by": "manage.py simulate",
        "subjects": summary_subjects,
        "files": files,
        "media_count": media.count,
        "video_budget": ctx.video_budget,
        "face_pool": pool.pool_files(),
        "versions": _package_versions(),
    }
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elapsed = time.monotonic() - started
    subject_labels = [
        f"{s['person_id']} <{mask_email(s['email'])}>" if s["email"] else s["person_id"] for s in summary_subjects
    ]
    logger.info(
        "world written to %s: seed %d, %d people, %d media files, %.1f s (subjects %s)",
        out_dir,
        seed,
        population,
        media.count,
        elapsed,
        ", ".join(subject_labels),
    )
    return WorldSummary(
        path=out_dir,
        seed=seed,
        people=people,
        population=population,
        files=files,
        media_count=media.count,
        subjects=summary_subjects,
        elapsed_s=elapsed,
    )
