"""Source adapters: valid records become items, bad records and unsafe media paths become errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from footprint.items import ItemError, RawItem
from footprint.sources import discover_sources, get_source
from footprint.sources.registry import WorldError


def _world(tmp_path: Path, platform_lines: list[str], engine_lines: list[str] | None = None) -> Path:
    world = tmp_path / "world"
    (world / "platforms").mkdir(parents=True)
    (world / "engines").mkdir()
    (world / "media").mkdir()
    (world / "media" / "a.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (world / "platforms" / "facebook.jsonl").write_text("\n".join(platform_lines) + "\n", encoding="utf-8")
    (world / "engines" / "google.jsonl").write_text("\n".join(engine_lines or []) + "\n", encoding="utf-8")
    return world


PROFILE = {"kind": "profile", "id": "facebook:p:1", "url": "https://facebook.com/zoe", "display_name": "Zoë 🙂",
           "email": "zoe@example.org", "picture": "media/a.jpg"}
POST = {"kind": "post", "id": "facebook:post:1", "profile_id": "facebook:p:1", "url": "https://facebook.com/zoe/posts/1",
        "text": "hello", "timestamp": "2025-03-01T14:22:05+00:00", "media": ["media/a.jpg"]}
RESULT = {"kind": "result", "id": "google:r:1", "url": "https://news.example.com/a", "title": "Zoë in the news",
          "snippet": "...", "result_type": "webpage", "domain": "news.example.com", "category": "news",
          "published": "2024-05-02", "rank": 1}


def _records(world: Path, name: str) -> tuple[list[RawItem], list[ItemError]]:
    records = list(get_source(world, name).iter_records())
    return [r for r in records if isinstance(r, RawItem)], [r for r in records if isinstance(r, ItemError)]


def test_discover_finds_platforms_and_engines(tmp_path):
    world = _world(tmp_path, [json.dumps(PROFILE)], [json.dumps(RESULT)])

    assert [(source.name, source.family) for source in discover_sources(world)] == [("facebook", "social"), ("google", "search")]


def test_valid_records_become_items(tmp_path):
    world = _world(tmp_path, [json.dumps(PROFILE), json.dumps(POST)], [json.dumps(RESULT)])

    items, errors = _records(world, "facebook")
    results, result_errors = _records(world, "google")

    assert errors == []
    assert result_errors == []
    assert [item.kind for item in items] == ["profile", "post"]
    assert items[0].title == "Zoë 🙂"
    assert items[0].fields["email"] == "zoe@example.org"
    assert items[0].media == ["media/a.jpg"]
    assert items[1].profile_id == "facebook:p:1"
    assert items[1].posted_at.isoformat() == "2025-03-01T14:22:05+00:00"
    assert results[0].fields["category"] == "news"
    assert RawItem.from_dict(items[1].to_dict()) == items[1]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({**POST, "timestamp": "yesterday"}), "not an ISO 8601 timestamp"),
        (json.dumps({**POST, "url": "ftp:/nowhere"}), "not an absolute http(s) URL"),
        (json.dumps({k: v for k, v in PROFILE.items() if k != "display_name"}), "missing required field 'display_name'"),
        (json.dumps({**PROFILE, "kind": "page"}), "must be 'profile' or 'post'"),
        (json.dumps({**POST, "media": "media/a.jpg"}), "must be a list"),
    ],
)
def test_bad_record_becomes_error_with_line(tmp_path, line, reason):
    world = _world(tmp_path, [json.dumps(PROFILE), line, json.dumps(POST)])

    items, errors = _records(world, "facebook")

    assert len(items) == 2
    assert len(errors) == 1
    assert errors[0].origin == "platforms/facebook.jsonl:2"
    assert reason in errors[0].reason


def test_non_utf8_line_becomes_error(tmp_path):
    world = _world(tmp_path, [json.dumps(PROFILE)])
    with open(world / "platforms" / "facebook.jsonl", "ab") as handle:
        handle.write(b'{"kind": "profile", "display_name": "Ren\xe9"}\n')

    items, errors = _records(world, "facebook")

    assert len(items) == 1
    assert "invalid UTF-8" in errors[0].reason


@pytest.mark.parametrize("media", ["/etc/passwd", "../outside.jpg", "media/../../outside.jpg", "media/missing.jpg", "media/link.jpg"])
def test_unsafe_media_path_rejected(tmp_path, media):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"x")
    world = _world(tmp_path, [json.dumps({**POST, "media": [media, "media/a.jpg"]})])
    os.symlink(outside, world / "media" / "link.jpg")

    items, errors = _records(world, "facebook")

    assert items[0].media == ["media/a.jpg"]
    assert len(errors) == 1
    assert errors[0].origin == "platforms/facebook.jsonl:1"
    assert repr(media) in errors[0].reason


def test_missing_world_named_in_error(tmp_path):
    with pytest.raises(WorldError, match="not found"):
        discover_sources(tmp_path / "nowhere")


def test_empty_world_named_in_error(tmp_path):
    (tmp_path / "empty").mkdir()

    with pytest.raises(WorldError, match="no platforms"):
        discover_sources(tmp_path / "empty")
