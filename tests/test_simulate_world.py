"""The simulated world on disk: reproducible bytes, the documented format, hard cases, readable media.

One small world around the demo subject is generated per test session (``shared_world``) and read by
these tests and by test_simulate_media.py.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import av
import pytest
from PIL import Image

from footprint.simulate import DEMO_SUBJECT, WorldExistsError, generate_world
from footprint.simulate.identifiers import email_case_variant, phone_formats

#: Size and seed of the shared test world: big enough for every hard case, a few seconds per run.
TEST_PEOPLE = 12
TEST_SEED = 7

PROFILE_REQUIRED = ("kind", "id", "url", "display_name")
POST_REQUIRED = ("kind", "id", "profile_id", "url", "timestamp")
RESULT_REQUIRED = ("kind", "id", "url", "title", "result_type", "domain", "category")
RESULT_TYPES = {"webpage", "pdf", "image", "video"}
CATEGORIES = {"professional", "news", "directory", "academic", "social_media", "personal"}
ROLES = {"subject", "namesake", "lookalike", "neighbour", "base"}
IDENTIFIERS = {"name", "email", "phone", "address", "birth_date", "username", "face"}


def shared_world(tmp_path_factory: pytest.TempPathFactory, seed: int = TEST_SEED, name: str = "world") -> Path:
    """Generate the test world once per session and folder name; later calls reuse it."""
    out = tmp_path_factory.getbasetemp() / f"simulate-{name}-seed{seed}"
    if not (out / "manifest.json").is_file():
        generate_world(out, people=TEST_PEOPLE, seed=seed, subjects=[DEMO_SUBJECT], overwrite=True)
    return out


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return shared_world(tmp_path_factory)


@pytest.fixture(scope="module")
def truth(world) -> dict[str, list[dict]]:
    records = defaultdict(list)
    for record in read_jsonl(world / "ground_truth.jsonl"):
        records[record["type"]].append(record)
    return records


@pytest.fixture(scope="module")
def records(world) -> dict[str, list[dict]]:
    files = sorted((world / "platforms").glob("*.jsonl")) + sorted((world / "engines").glob("*.jsonl"))
    return {path.stem: read_jsonl(path) for path in files}


# Reproducibility --------------------------------------------------------------------------------


def test_same_seed_gives_same_bytes(world, tmp_path):
    again = tmp_path / "again"
    generate_world(again, people=TEST_PEOPLE, seed=TEST_SEED, subjects=[DEMO_SUBJECT])

    first, second = file_hashes(world), file_hashes(again)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    assert len(first) > 40


def test_other_seed_gives_other_world(world, tmp_path_factory):
    other = shared_world(tmp_path_factory, seed=TEST_SEED + 1, name="other")

    first, second = file_hashes(world), file_hashes(other)
    assert first["ground_truth.jsonl"] != second["ground_truth.jsonl"]
    assert first["platforms/facebook.jsonl"] != second["platforms/facebook.jsonl"]
    media_first = {sha for name, sha in first.items() if name.startswith("media/")}
    media_second = {sha for name, sha in second.items() if name.startswith("media/")}
    assert media_first != media_second


# Format -----------------------------------------------------------------------------------------


def test_manifest_matches_files(world):
    manifest = json.loads((world / "manifest.json").read_text(encoding="utf-8"))

    assert manifest["format"] == 1
    assert manifest["seed"] == TEST_SEED
    assert manifest["people"] == TEST_PEOPLE
    assert manifest["locale"] == "en_US"
    assert manifest["subjects"][0]["person_id"] == "S0001"
    assert manifest["subjects"][0]["email"] == DEMO_SUBJECT.emails[0]
    assert "subject_id" in manifest["subjects"][0]
    for package in ("faker", "moviepy", "pillow"):
        assert manifest["versions"][package][0].isdigit(), package
    for relative, count in manifest["files"].items():
        assert len(read_jsonl(world / relative)) == count, relative
    assert set(manifest["files"]) >= {f"platforms/{p}.jsonl" for p in ("facebook", "instagram", "linkedin", "x")}
    assert set(manifest["files"]) >= {f"engines/{e}.jsonl" for e in ("google", "yahoo", "bing")}
    media_files = [path for path in (world / "media").rglob("*") if path.is_file()]
    assert manifest["media_count"] == len(media_files)
    assert not (world / ".scratch").exists()


def test_platform_records_have_required_fields(records):
    for platform in ("facebook", "instagram", "linkedin", "x"):
        rows = records[platform]
        kinds = Counter(row["kind"] for row in rows)
        assert kinds["profile"] > 0, platform
        assert kinds["post"] > 0, platform
        profile_ids = {row["id"] for row in rows if row["kind"] == "profile"}
        assert len({row["id"] for row in rows}) == len(rows), platform
        for row in rows:
            required = PROFILE_REQUIRED if row["kind"] == "profile" else POST_REQUIRED
            missing = [name for name in required if not row.get(name)]
            assert missing == [], (platform, row["id"], missing)
            assert row["id"].startswith(f"{platform}:")
            assert row["url"].startswith("https://")
            if row["kind"] == "post":
                assert row["profile_id"] in profile_ids
                stamp = datetime.fromisoformat(row["timestamp"])
                assert stamp.utcoffset() is not None, row["timestamp"]
            if row.get("birth_date"):
                date.fromisoformat(row["birth_date"])


def test_engine_records_have_required_fields(records):
    for engine in ("google", "yahoo", "bing"):
        rows = records[engine]
        assert rows, engine
        assert len({row["id"] for row in rows}) == len(rows)
        for row in rows:
            missing = [name for name in RESULT_REQUIRED if not row.get(name)]
            assert missing == [], (engine, row["id"], missing)
            assert row["kind"] == "result"
            assert row["result_type"] in RESULT_TYPES
            assert row["category"] in CATEGORIES
            assert row["rank"] >= 1
            date.fromisoformat(row["published"])
            if row["result_type"] in ("image", "video"):
                assert len(row["media"]) == 1, row["id"]


def test_media_paths_stay_inside_world(world, records, truth):
    referenced = set()
    for rows in records.values():
        for row in rows:
            paths = list(row.get("media") or [])
            if row.get("picture"):
                paths.append(row["picture"])
            for path in paths:
                assert not Path(path).is_absolute(), path
                assert ".." not in Path(path).parts, path
                assert path.startswith("media/")
                assert (world / path).is_file(), path
                referenced.add(path)
    truth_paths = {record["path"] for record in truth["media"]}
    on_disk = {str(path.relative_to(world)) for path in (world / "media").rglob("*") if path.is_file()}
    assert truth_paths == on_disk
    assert referenced <= on_disk


def test_ground_truth_records_are_complete(truth, records):
    persons = {record["person_id"]: record for record in truth["person"]}
    assert {record["role"] for record in persons.values()} == ROLES
    ids = {(source, row["id"]) for source, rows in records.items() for row in rows}
    truth_ids = {(record["source"], record["id"]) for record in truth["item"]}
    assert truth_ids == ids
    for record in truth["item"]:
        assert set(record["exposes"]) <= IDENTIFIERS, record["id"]
        assert set(record["about"]) <= set(persons), record["id"]
        assert isinstance(record["findable"], bool)
        assert record["owner"] is None or record["owner"] in persons
    for record in truth["media"]:
        assert set(record["people"]) <= set(persons)
        assert len(record["sha256"]) == 64
        int(record["sha256"], 16)


def test_findable_follows_identifiers(truth):
    strong = {"email", "phone"}
    for record in truth["item"]:
        if "S0001" not in record["about"] or record["about"][0] != "S0001":
            continue
        exposed = set(record["exposes"])
        own = bool(exposed & strong) or {"name", "address"} <= exposed or {"name", "birth_date"} <= exposed
        through_face = "face" in exposed
        through_profile = "through its profile" in record["note"]
        if record["findable"]:
            assert own or through_face or through_profile, record
        else:
            assert not own, record


# Hard cases -------------------------------------------------------------------------------------


def test_namesakes_share_name_only(truth):
    persons = {record["person_id"]: record for record in truth["person"]}
    subject = persons["S0001"]
    namesakes = [record for record in persons.values() if record["role"] == "namesake"]

    assert len(namesakes) >= 3
    for namesake in namesakes:
        assert namesake["full_name"] == subject["full_name"]
        assert namesake["namesake_of"] == "S0001"
        assert namesake["email"] != subject["email"]
        assert namesake["phone"] != subject["phone"]
        assert namesake["city"] != subject["city"]
    namesake_items = [item for item in truth["item"] if item["about"] and item["about"][0].startswith("N")]
    assert len(namesake_items) >= 3
    assert all("S0001" not in item["about"] for item in namesake_items)


def test_neighbours_share_city_or_employer(truth):
    persons = {record["person_id"]: record for record in truth["person"]}
    subject = persons["S0001"]
    neighbours = [record for record in persons.values() if record["role"] == "neighbour"]

    by_share = Counter(record["shares"] for record in neighbours)
    assert by_share["city"] >= 1
    assert by_share["employer"] >= 1
    for record in neighbours:
        if record["shares"] == "city":
            assert record["city"] == subject["city"]
        else:
            assert record["employer"] == subject["employer"]
        assert record["full_name"] != subject["full_name"]


def test_lookalike_post_not_about_subject(truth, records):
    lookalike = next(record for record in truth["person"] if record["role"] == "lookalike")
    items = {(item["source"], item["id"]): item for item in truth["item"]}
    mentions = [
        (source, row) for source, rows in records.items() for row in rows
        if DEMO_SUBJECT.full_name in (row.get("text") or "") + (row.get("title") or "")
        and items[(source, row["id"])]["about"] == [lookalike["person_id"]]
    ]
    assert mentions
    for source, row in mentions:
        assert "S0001" not in items[(source, row["id"])]["about"]


def test_reposts_share_bytes_under_other_urls(world, truth, records):
    by_sha = defaultdict(set)
    for record in truth["media"]:
        if "S0001" in record["people"]:
            by_sha[record["sha256"]].add(record["path"])
    reposted = {sha: paths for sha, paths in by_sha.items() if len(paths) >= 3}
    assert reposted, "no subject media reposted three times"

    sha, paths = next(iter(reposted.items()))
    urls = {row["url"] for rows in records.values() for row in rows if set(row.get("media") or []) & paths}
    assert len(urls) >= 3
    assert {hashlib.sha256((world / path).read_bytes()).hexdigest() for path in paths} == {sha}


def test_subject_phone_appears_in_several_formats(records):
    formats = phone_formats("+13125550147")
    texts = [json.dumps(row, ensure_ascii=False) for rows in records.values() for row in rows]
    found = {name for name, written in formats.items() if any(written in text for text in texts)}
    assert {"dotted", "spaced", "national"} <= found, found


def test_subject_email_appears_in_other_letter_case(records):
    email = DEMO_SUBJECT.emails[0]
    texts = [json.dumps(row, ensure_ascii=False) for rows in records.values() for row in rows]
    assert any(email_case_variant(email, "title") in text for text in texts)
    assert any(email.upper() in text for text in texts)


def test_partial_and_face_only_items_exist(truth):
    about_subject = [item for item in truth["item"] if "S0001" in item["about"]]
    partial = [item for item in about_subject if "first name" in item["note"] and not item["findable"]]
    face_only = [
        item for item in about_subject
        if item["owner"] != "S0001" and item.get("exposes_by_person", {}).get("S0001") == ["face"]
        and item["findable_by_person"]["S0001"]
    ]
    heavy = [item for item in about_subject if "face" in item["exposes"] and not item["findable"]]

    assert len(partial) >= 2
    assert face_only
    assert heavy
    assert sum(item["findable"] for item in about_subject) >= 15


# Media ------------------------------------------------------------------------------------------


def test_images_open_in_pillow(world, truth):
    images = [record for record in truth["media"] if record["kind"] == "image"]
    assert images
    for record in images:
        with Image.open(world / record["path"]) as image:
            image.load()
            assert image.width > 0
            assert image.height > 0
    suffixes = {Path(record["path"]).suffix for record in images}
    assert ".jpg" in suffixes


def test_videos_open_in_pyav(world, truth):
    videos = [record for record in truth["media"] if record["kind"] == "video"]
    containers = Counter(Path(record["path"]).suffix for record in videos)
    assert containers[".mp4"] >= 1
    assert containers[".webm"] + containers[".mkv"] >= 1
    silent = 0
    for record in videos:
        with av.open(str(world / record["path"])) as container:
            assert len(container.streams.video) == 1
            has_audio = len(container.streams.audio) > 0
            assert has_audio == record["has_audio"], record["path"]
            silent += not has_audio
            frame = next(container.decode(video=0))
            assert (frame.width, frame.height) == (480, 360)
            duration_s = container.duration / av.time_base if container.duration else None
            if duration_s is not None:
                assert 1.0 <= duration_s <= 12.0, (record["path"], duration_s)
    assert silent >= 1


# Errors -----------------------------------------------------------------------------------------


def test_non_empty_output_is_rejected(tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")

    with pytest.raises(WorldExistsError, match="not empty"):
        generate_world(out, people=1, seed=1, subjects=[DEMO_SUBJECT])
    assert (out / "notes.txt").read_text() == "keep me"


def test_invalid_arguments_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="invalid number of people"):
        generate_world(tmp_path / "a", people=-1, seed=1, subjects=[DEMO_SUBJECT])
    with pytest.raises(ValueError, match="invalid media scale"):
        generate_world(tmp_path / "b", people=1, seed=1, subjects=[DEMO_SUBJECT], media_scale=0)
    with pytest.raises(ValueError, match="invalid locale 'xx_XX'"):
        generate_world(tmp_path / "c", people=1, seed=1, subjects=[DEMO_SUBJECT], locale="xx_XX")
    assert not (tmp_path / "a").exists()
