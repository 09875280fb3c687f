"""The cache in memory, in the real Redis, and with Redis unreachable."""

from __future__ import annotations

import os

import pytest
import redis

from footprint.cache import Cache

REDIS_URL = os.environ.get("FOOTPRINT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_memory_cache_round_trip():
    cache = Cache(None)

    cache.set("analysis", "abc", {"faces": [1, 2]}, ttl_s=60)

    assert cache.backend == "memory"
    assert cache.get("analysis", "abc") == {"faces": [1, 2]}
    assert cache.get("analysis", "missing") is None


def test_redis_cache_round_trip_with_prefix(redis_prefix):
    cache = Cache(REDIS_URL, prefix=redis_prefix)
    client = redis.Redis.from_url(REDIS_URL)
    try:
        cache.set("analysis", "abc", {"x": "é🙂"}, ttl_s=60)

        assert cache.get("analysis", "abc") == {"x": "é🙂"}
        assert client.ttl(f"{redis_prefix}analysis:abc") > 0
    finally:
        for key in client.scan_iter(f"{redis_prefix}*"):
            client.delete(key)


def test_unreachable_redis_misses_without_raising(caplog):
    # Port 1 on loopback has no listener, so every call fails at once.
    cache = Cache("redis://127.0.0.1:1/0", timeout_s=0.5)

    cache.set("analysis", "abc", {"x": 1}, ttl_s=60)

    assert cache.get("analysis", "abc") is None
    assert "Redis cache unreachable" in caplog.text


@pytest.fixture(autouse=True)
def _require_redis():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")


def test_memory_claim_keeps_first_owner():
    cache = Cache(None)

    assert cache.claim("analysing", "abc", "task-1", ttl_s=60) == "task-1"
    assert cache.claim("analysing", "abc", "task-2", ttl_s=60) == "task-1"
    assert cache.claim("analysing", "abc", "task-1", ttl_s=60) == "task-1"


def test_redis_claim_keeps_first_owner(redis_prefix):
    cache = Cache(REDIS_URL, prefix=redis_prefix)
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert cache.claim("analysing", "abc", "task-1", ttl_s=60) == "task-1"
        assert cache.claim("analysing", "abc", "task-2", ttl_s=60) == "task-1"
    finally:
        for key in client.scan_iter(f"{redis_prefix}*"):
            client.delete(key)


def test_unreachable_redis_claim_returns_none():
    cache = Cache("redis://127.0.0.1:1/0", timeout_s=0.5)

    assert cache.claim("analysing", "abc", "task-1", ttl_s=60) is None
