"""A JSON cache in Redis with an in-process fallback.

The cache only saves work: every value in it can be rebuilt from the database or the files. When
Redis is unset, the cache lives in process memory. When Redis becomes unreachable, reads miss and
writes are dropped with one warning a minute, so a scan still completes, a little slower.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from config.settings import Settings, get_settings

logger = logging.getLogger(__name__)

#: Entries kept by the in-process cache before the least recently used is dropped.
MEMORY_MAX_ENTRIES = 10_000

#: Seconds between two "Redis unreachable" warnings.
WARN_INTERVAL_S = 60.0


class MemoryStore:
    """Least-recently-used dict with per-entry expiry, safe across threads."""

    def __init__(self, max_entries: int = MEMORY_MAX_ENTRIES) -> None:
        self._data: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def set(self, key: str, value: str, ttl_s: int) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + ttl_s, value)
            self._data.move_to_end(key)
            while len(self._data) > self._max_entries:
                self._data.popitem(last=False)

    def add(self, key: str, value: str, ttl_s: int) -> str | None:
        """Store ``value`` unless a live entry exists; return that entry's value, or None if stored."""
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and entry[0] >= time.monotonic():
                return entry[1]
            self._data[key] = (time.monotonic() + ttl_s, value)
            return None

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class Cache:
    """JSON values under namespaced keys, in Redis when configured, else in memory.

    Parameters:
        redis_url: Redis URL, or None for the in-process store.
        prefix: prepended to every key, so several deployments or test runs share one Redis.
        timeout_s: socket connect and read timeout for Redis, seconds.
    """

    def __init__(self, redis_url: str | None, prefix: str = "footprint:", timeout_s: float = 2.0) -> None:
        self.prefix = prefix
        self._memory = MemoryStore()
        self._redis = None
        self._last_warning = 0.0
        self.hits = 0
        self.misses = 0
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(
                redis_url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s, retry_on_timeout=False
            )

    @property
    def backend(self) -> str:
        return "redis" if self._redis is not None else "memory"

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARN_INTERVAL_S:
            self._last_warning = now
            logger.warning("Redis cache unreachable, continuing without it: %s", error)

    def _key(self, namespace: str, key: str) -> str:
        return f"{self.prefix}{namespace}:{key}"

    def get(self, namespace: str, key: str) -> Any | None:
        """Return the cached value or None on a miss (or when Redis is unreachable)."""
        full_key = self._key(namespace, key)
        raw: str | bytes | None
        if self._redis is None:
            raw = self._memory.get(full_key)
        else:
            import redis

            try:
                raw = self._redis.get(full_key)
            except redis.RedisError as error:
                self._warn(error)
                raw = None
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(raw)

    def set(self, namespace: str, key: str, value: Any, ttl_s: int) -> None:
        """Store a JSON-serialisable value for ``ttl_s`` seconds; errors only log."""
        full_key = self._key(namespace, key)
        payload = json.dumps(value, separators=(",", ":"))
        if self._redis is None:
            self._memory.set(full_key, payload, ttl_s)
            return
        import redis

        try:
            self._redis.set(full_key, payload, ex=ttl_s)
        except redis.RedisError as error:
            self._warn(error)

    def claim(self, namespace: str, key: str, owner: str, ttl_s: int) -> str | None:
        """Claim ``key`` for ``owner`` unless another owner has it; return the current owner, or None if unreachable.

        Returns ``owner`` when the claim is (or already was) ours. Used so that two scans sharing a
        media file analyse it once. A claim expires after ``ttl_s``, so a dead owner blocks others
        for at most that long.
        """
        full_key = self._key(namespace, key)
        if self._redis is None:
            holder = self._memory.add(full_key, json.dumps(owner), ttl_s)
            return owner if holder is None else json.loads(holder)
        import redis

        try:
            if self._redis.set(full_key, json.dumps(owner), nx=True, ex=ttl_s):
                return owner
            holder = self._redis.get(full_key)
        except redis.RedisError as error:
            self._warn(error)
            return None
        return json.loads(holder) if holder is not None else owner

    def delete(self, namespace: str, key: str) -> None:
        """Drop one entry."""
        full_key = self._key(namespace, key)
        if self._redis is None:
            self._memory.delete(full_key)
            return
        import redis

        try:
            self._redis.delete(full_key)
        except redis.RedisError as error:
            self._warn(error)


_cache: Cache | None = None
_cache_key: tuple[str | None, str] | None = None
_cache_lock = threading.Lock()


def get_cache(settings: Settings | None = None) -> Cache:
    """Return the process-wide cache for the configured Redis URL and prefix."""
    global _cache, _cache_key
    settings = settings or get_settings()
    key = (settings.redis_url, settings.redis_key_prefix)
    with _cache_lock:
        if _cache is None or _cache_key != key:
            _cache = Cache(settings.redis_url, settings.redis_key_prefix, timeout_s=min(settings.connect_timeout_s, 2.0))
            _cache_key = key
        return _cache
