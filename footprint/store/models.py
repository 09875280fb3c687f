"""SQLAlchemy 2.0 models of footprint, identical on SQLite and MariaDB/MySQL.

Natural-key unique constraints make every load an idempotent upsert. URLs and other long texts are
keyed by the full hex SHA-256 of their canonical form, because MySQL cannot index a TEXT column
whole. Text columns use utf8mb4 on MySQL (set on the engine and the tables).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Primary key type: BIGINT on MySQL, INTEGER on SQLite so that it stays the auto-increment rowid.
BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

#: Long text: LONGTEXT on MySQL so transcripts never hit the 64 KiB TEXT limit.
LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

#: Time with microseconds on MySQL too (its DATETIME drops fractions by default), for scan timings.
PreciseDateTime = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

#: Hex SHA-256, 64 characters.
Sha256 = String(64)

#: Table options applied on MySQL and MariaDB.
MYSQL_TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci", "mysql_engine": "InnoDB"}


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo (stored as naive UTC on every backend)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of all footprint tables."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Subject(Base):
    """A person whose footprint is scanned. No password or secret is stored."""

    __tablename__ = "subjects"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    full_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(2), default="US")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    names: Mapped[list[SubjectName]] = relationship(back_populates="subject", cascade="all, delete-orphan")
    emails: Mapped[list[SubjectEmail]] = relationship(back_populates="subject", cascade="all, delete-orphan")
    phones: Mapped[list[SubjectPhone]] = relationship(back_populates="subject", cascade="all, delete-orphan")
    addresses: Mapped[list[SubjectAddress]] = relationship(back_populates="subject", cascade="all, delete-orphan")
    photos: Mapped[list[SubjectPhoto]] = relationship(back_populates="subject", cascade="all, delete-orphan")
    employers: Mapped[list[SubjectEmployer]] = relationship(back_populates="subject", cascade="all, delete-orphan")


class SubjectName(Base):
    """A name the subject goes by; the primary one is also ``subjects.full_name``."""

    __tablename__ = "subject_names"
    __table_args__ = (UniqueConstraint("subject_id", "name", name="uq_subject_names"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    subject: Mapped[Subject] = relationship(back_populates="names")


class SubjectEmail(Base):
    """An email address of the subject, normalised by email-validator."""

    __tablename__ = "subject_emails"
    __table_args__ = (UniqueConstraint("subject_id", "email", name="uq_subject_emails"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    subject: Mapped[Subject] = relationship(back_populates="emails")


class SubjectPhone(Base):
    """A phone number of the subject in E.164 form."""

    __tablename__ = "subject_phones"
    __table_args__ = (UniqueConstraint("subject_id", "e164", name="uq_subject_phones"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(20))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    subject: Mapped[Subject] = relationship(back_populates="phones")


class SubjectAddress(Base):
    """A postal address of the subject; ``one_line`` is the natural key within the subject."""

    __tablename__ = "subject_addresses"
    __table_args__ = (
        UniqueConstraint("subject_id", "one_line_sha256", name="uq_subject_addresses"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    street: Mapped[str] = mapped_column(String(255), default="")
    number: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(128))
    postal_code: Mapped[str] = mapped_column(String(32), default="")
    region: Mapped[str] = mapped_column(String(128), default="")
    country: Mapped[str] = mapped_column(String(64), default="")
    one_line: Mapped[str] = mapped_column(Text)
    one_line_sha256: Mapped[str] = mapped_column(Sha256)

    subject: Mapped[Subject] = relationship(back_populates="addresses")


class SubjectEmployer(Base):
    """An employer of the subject, used as context next to a name."""

    __tablename__ = "subject_employers"
    __table_args__ = (UniqueConstraint("subject_id", "name", name="uq_subject_employers"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))

    subject: Mapped[Subject] = relationship(back_populates="employers")


class SubjectPhoto(Base):
    """A reference photo of the subject with its face encoding (128 floats as JSON)."""

    __tablename__ = "subject_photos"
    __table_args__ = (UniqueConstraint("subject_id", "sha256", name="uq_subject_photos"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Sha256)
    encoding: Mapped[list[Any]] = mapped_column(JSON)

    subject: Mapped[Subject] = relationship(back_populates="photos")


class Source(Base):
    """A place items come from: a platform, a search engine, or a website domain."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("name", name="uq_sources_name"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    domain: Mapped[str] = mapped_column(String(255), default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class DigitalFootprint(Base):
    """One public item (or set of reposts of it) that may expose a subject.

    ``natural_key`` is the SHA-256 of the canonical identity: the media hash for media items, the
    canonical URL otherwise.
    """

    __tablename__ = "digital_footprints"
    __table_args__ = (UniqueConstraint("natural_key", name="uq_footprints_natural_key"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    natural_key: Mapped[str] = mapped_column(Sha256)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    footprint_type: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    media_sha256: Mapped[str | None] = mapped_column(Sha256)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    source: Mapped[Source] = relationship()


class PersonalIdentity(Base):
    """An identifier of a subject that a footprint exposes, with its confidence and evidence."""

    __tablename__ = "personal_identities"
    __table_args__ = (
        UniqueConstraint("footprint_id", "subject_id", "identifier_type", "method", name="uq_personal_identities"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    footprint_id: Mapped[int] = mapped_column(ForeignKey("digital_footprints.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    identifier_type: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[int] = mapped_column(SmallInteger)
    masked_value: Mapped[str] = mapped_column(String(255), default="")
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"))


class SubjectFootprint(Base):
    """The link between a subject and a footprint: how sure and how exposing."""

    __tablename__ = "subject_footprints"
    __table_args__ = (UniqueConstraint("subject_id", "footprint_id", name="uq_subject_footprints"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    footprint_id: Mapped[int] = mapped_column(ForeignKey("digital_footprints.id", ondelete="CASCADE"))
    confidence: Mapped[int] = mapped_column(SmallInteger)
    linked: Mapped[bool] = mapped_column(Boolean, default=False)
    exposure: Mapped[float] = mapped_column(Float, default=0.0)
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    first_scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"))
    last_scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"))


class ActivityLog(Base):
    """One sighting of a footprint in one scan (a repost under another URL is another row).

    It also records the link as that scan saw it (confidence, linked, exposure, and the best level
    per identifier type the item itself exposes), so that two scans can be compared later while
    ``subject_footprints`` keeps only the latest state.
    """

    __tablename__ = "activity_logs"
    __table_args__ = (
        UniqueConstraint("scan_id", "footprint_id", "item_key", name="uq_activity_logs"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    footprint_id: Mapped[int] = mapped_column(ForeignKey("digital_footprints.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(Sha256)
    source: Mapped[str] = mapped_column(String(128))
    item_id: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confidence: Mapped[int] = mapped_column(SmallInteger, default=0)
    linked: Mapped[bool] = mapped_column(Boolean, default=False)
    exposure: Mapped[float] = mapped_column(Float, default=0.0)
    identifiers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Scan(Base):
    """One run of the pipeline for one subject over one world or set of sources."""

    __tablename__ = "scans"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    world_dir: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    task_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(PreciseDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(PreciseDateTime)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)


class ScanError(Base):
    """A per-item error recorded during a scan; the scan goes on."""

    __tablename__ = "scan_errors"
    __table_args__ = (UniqueConstraint("scan_id", "error_key", name="uq_scan_errors"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    error_key: Mapped[str] = mapped_column(Sha256)
    stage: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(128), default="")
    origin: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MediaAnalysisRow(Base):
    """Stored result of analysing one media file, keyed by its content SHA-256.

    ``result`` is :meth:`footprint.media.MediaAnalysis.to_dict`; the other columns are copies for
    queries and reports.
    """

    __tablename__ = "media_analyses"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    sha256: Mapped[str] = mapped_column(Sha256, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    face_count: Mapped[int] = mapped_column(Integer, default=0)
    transcript: Mapped[str | None] = mapped_column(LongText)
    language: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    analysed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0)


class StagedItem(Base):
    """A raw item extracted during a scan, kept until the scan finishes.

    The staging table (not the Celery message, not the cache) carries items from extraction to
    consolidation, so a flushed cache or a redelivered task loses nothing.
    """

    __tablename__ = "staged_items"
    __table_args__ = (UniqueConstraint("scan_id", "item_key", name="uq_staged_items"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(Sha256)
    source: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ScanMedia(Base):
    """A media file referenced by a scan's items: its world-relative path and content hash."""

    __tablename__ = "scan_media"
    __table_args__ = (UniqueConstraint("scan_id", "path_sha256", name="uq_scan_media"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    path_sha256: Mapped[str] = mapped_column(Sha256)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Sha256)
    kind: Mapped[str] = mapped_column(String(8))
