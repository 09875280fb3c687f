"""Schema tests on SQLite and MariaDB: migrations from empty, round-trips, natural keys, utf8mb4."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from footprint.decisions import FootprintDecision, Sighting
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.store import migrate
from footprint.store.engine import get_engine, session_scope
from footprint.store.loader import load_decisions, record_errors
from footprint.items import ItemError
from footprint.store.models import (
    ActivityLog,
    Base,
    DigitalFootprint,
    PersonalIdentity,
    Scan,
    ScanError,
    Subject,
    SubjectEmail,
    SubjectFootprint,
)


@pytest.fixture(params=["sqlite", "mysql"])
def db_settings(request, make_settings):
    """Settings on a migrated empty database: SQLite in a temporary folder, or the run's MariaDB database."""
    if request.param == "sqlite":
        settings = make_settings()
    else:
        settings = make_settings(database_url=request.getfixturevalue("fresh_mysql_url"))
    migrate.upgrade(settings)
    return settings


def _subject(settings, name="Zoë Łukasiewicz 🙂") -> int:
    with session_scope(settings) as session:
        subject = Subject(full_name=name, region="US")
        subject.emails.append(SubjectEmail(email="zoe@example.org", is_primary=True))
        session.add(subject)
        session.flush()
        return subject.id


def _scan(settings, subject_id: int) -> int:
    with session_scope(settings) as session:
        scan = Scan(subject_id=subject_id, status="loading", world_dir="/w", sources=["facebook"], counts={}, timings={})
        session.add(scan)
        session.flush()
        return scan.id


def _decision(key: str = "a" * 64, url: str = "https://facebook.com/zoe") -> FootprintDecision:
    evidence = Evidence(IdentifierType.EMAIL, Method.TEXT, "z***@example.org", Confidence.HIGH, 1.0, "bio")
    return FootprintDecision(
        natural_key=key, url=url, source="facebook", footprint_type="text", category="social_media",
        verified=True, title="Zoë 🙂", excerpt="z***@example.org", sightings=[Sighting("facebook", "fb:1", url)],
        evidence=[evidence], confidence=Confidence.HIGH, exposure=40.0, linked=True,
    )


def test_upgrade_creates_every_table(db_settings):
    tables = set(inspect(get_engine(db_settings)).get_table_names())

    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(db_settings) == migrate.head_revision()


def test_upgrade_twice_is_harmless(db_settings):
    assert migrate.upgrade(db_settings) == migrate.head_revision()


def test_subject_round_trip_keeps_4_byte_text(db_settings):
    subject_id = _subject(db_settings)

    with session_scope(db_settings) as session:
        stored = session.get(Subject, subject_id)
        assert stored.full_name == "Zoë Łukasiewicz 🙂"
        assert [email.email for email in stored.emails] == ["zoe@example.org"]


def test_duplicate_subject_email_rejected(db_settings):
    subject_id = _subject(db_settings)

    with pytest.raises(IntegrityError):
        with session_scope(db_settings) as session:
            session.add(SubjectEmail(subject_id=subject_id, email="zoe@example.org"))


def test_load_twice_adds_no_rows(db_settings):
    subject_id = _subject(db_settings)
    scan_id = _scan(db_settings, subject_id)
    decisions = [_decision(), _decision("b" * 64, "https://facebook.com/zoe/posts/1")]

    load_decisions(scan_id, subject_id, decisions, db_settings)
    load_decisions(scan_id, subject_id, decisions, db_settings)

    with session_scope(db_settings) as session:
        assert session.scalar(select(func.count()).select_from(DigitalFootprint)) == 2
        assert session.scalar(select(func.count()).select_from(SubjectFootprint)) == 2
        assert session.scalar(select(func.count()).select_from(PersonalIdentity)) == 2
        assert session.scalar(select(func.count()).select_from(ActivityLog)) == 2
        assert session.scalar(select(DigitalFootprint.title).where(DigitalFootprint.natural_key == "a" * 64)) == "Zoë 🙂"


def test_second_scan_adds_only_activity_logs(db_settings):
    subject_id = _subject(db_settings)
    first, second = _scan(db_settings, subject_id), _scan(db_settings, subject_id)

    load_decisions(first, subject_id, [_decision()], db_settings)
    load_decisions(second, subject_id, [_decision()], db_settings)

    with session_scope(db_settings) as session:
        assert session.scalar(select(func.count()).select_from(DigitalFootprint)) == 1
        assert session.scalar(select(func.count()).select_from(ActivityLog)) == 2
        link = session.scalars(select(SubjectFootprint)).one()
        assert (link.first_scan_id, link.last_scan_id) == (first, second)


def test_repeated_scan_error_stored_once(db_settings):
    subject_id = _subject(db_settings)
    scan_id = _scan(db_settings, subject_id)
    error = ItemError("facebook", "platforms/facebook.jsonl:3", "invalid JSON")

    record_errors(scan_id, "extract", [error, error], db_settings)
    record_errors(scan_id, "extract", [error], db_settings)

    with session_scope(db_settings) as session:
        assert session.scalar(select(func.count()).select_from(ScanError)) == 1


def test_mysql_tables_use_utf8mb4(make_settings, fresh_mysql_url):
    settings = make_settings(database_url=fresh_mysql_url)
    migrate.upgrade(settings)

    with get_engine(settings).connect() as connection:
        collations = connection.execute(text(
            "SELECT DISTINCT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        )).scalars().all()
    assert collations == ["utf8mb4_unicode_ci"]


def test_downgrade_to_base_drops_tables(db_settings):
    migrate.downgrade(db_settings, "base")

    tables = set(inspect(get_engine(db_settings)).get_table_names())
    assert not set(Base.metadata.tables) & tables
