"""Typed settings read once from ``FOOTPRINT_*`` environment variables and an optional ``.env``.

With nothing set, footprint runs embedded: SQLite under the data directory, Celery in eager mode
in-process, the cache in process memory and the bundled offline speech model. Every variable is
documented with its default and unit in ``.env.example``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Prefix of every environment variable that footprint reads.
ENV_PREFIX = "FOOTPRINT_"

#: Repository root, the default parent of the data directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All configuration of footprint.

    Parameters are read from ``FOOTPRINT_<NAME>`` (case-insensitive), then from ``.env`` in the
    working directory. Units are in the field names or descriptions.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # Storage and services.
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Directory for the SQLite file, worlds and reports.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite under data_dir when unset.")
    broker_url: str | None = Field(None, description="Celery broker URL; eager in-process mode when unset.")
    result_backend: str | None = Field(None, description="Celery result backend; broker_url when unset.")
    redis_url: str | None = Field(None, description="Redis URL of the cache; in-process memory when unset.")
    redis_key_prefix: str = Field("footprint:", description="Prefix of every Redis key footprint writes.")
    connect_timeout_s: float = Field(5.0, gt=0, description="Timeout to reach the database, broker or Redis, seconds.")

    # Cache lifetimes, seconds.
    cache_ttl_analysis_s: int = Field(7 * 86_400, ge=1)
    staging_ttl_s: int = Field(86_400, ge=60, description="Staged items of unfinished scans older than this are dropped, seconds.")

    # Faces.
    face_model: Literal["hog", "cnn"] = Field("hog", description="dlib detector; cnn only helps on a GPU.")
    face_tolerance: float = Field(0.5, gt=0, lt=1, description="Largest face distance that counts as a match.")
    face_upsample: int = Field(1, ge=0, le=4, description="Times to upsample an image before detection.")
    face_max_side_px: int = Field(1600, ge=200, description="Larger images are downscaled to this side first.")
    max_image_pixels: int = Field(60_000_000, ge=1_000_000, description="Decompression-bomb limit, pixels.")
    video_frame_rate: float = Field(1.0, gt=0, description="Video frames sampled per second.")
    video_max_frames: int = Field(30, ge=1, description="Frames sampled per video at most.")

    # Speech.
    whisper_model: str = Field("bundled", description="'bundled', a local model directory or a model name.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="Device for speech (and CNN faces).")
    compute_type: str = Field("auto", description="CTranslate2 compute type; auto is float16 on CUDA, int8 on CPU.")
    whisper_beam_size: int = Field(1, ge=1, le=10)
    speech_cpu_threads: int = Field(
        0, ge=0, le=64, description="CPU threads per speech model; 0 keeps faster-whisper's default (4)."
    )

    # Attribution.
    link_threshold: Literal["low", "medium", "high", "certain"] = Field(
        "high", description="Lowest confidence at which a footprint is linked to the subject."
    )
    default_region: str = Field("US", min_length=2, max_length=2, description="Region for national phone numbers.")

    # Flower (monitoring UI).
    flower_address: str = Field("127.0.0.1", description="Address Flower binds to.")
    flower_port: int = Field(5555, ge=1, le=65535)
    flower_basic_auth: str | None = Field(None, description="'user:password' for Flower's basic auth; never logged.")

    # Loading and logging.
    load_batch_size: int = Field(500, ge=1, description="Rows per bulk upsert statement and transaction.")
    log_level: str = Field("INFO", description="Python logging level name.")

    @field_validator("default_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        return value.upper()

    @property
    def eager(self) -> bool:
        """Whether Celery runs tasks in-process (no broker configured)."""
        return not self.broker_url

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'footprint.sqlite3').resolve()}"

    @property
    def effective_result_backend(self) -> str | None:
        return self.result_backend or self.broker_url


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment on first use."""
    return Settings()
