"""The production cache: Redis, and the database's cache table while Redis cannot be
reached. Either way every process shares it, so a used one-time code stays used and
wrong guesses are counted once; and a Redis outage never turns pages into errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 10  # after a failure, go straight to the database for this long


def _falls_back(method: Callable[..., Any]) -> Callable[..., Any]:
    name = method.__name__

    @wraps(method)
    def wrapper(self: RedisWithDatabaseFallback, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                self._down_until = time.monotonic() + RETRY_SECONDS
                log.warning(
                    "redis unreachable: using the database cache", extra={"event": "cache_fallback"}
                )
        return getattr(self.fallback, name)(*args, **kwargs)

    return wrapper


class RedisWithDatabaseFallback(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.fallback = DatabaseCache("ldn_cache", {})
        self._down_until = 0.0

    def reachable(self) -> bool:
        """Whether Redis answers now (for the health endpoint)."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except UNREACHABLE:
            return False

    add = _falls_back(RedisCache.add)
    get = _falls_back(RedisCache.get)
    set = _falls_back(RedisCache.set)
    touch = _falls_back(RedisCache.touch)
    delete = _falls_back(RedisCache.delete)
    get_many = _falls_back(RedisCache.get_many)
    has_key = _falls_back(RedisCache.has_key)
    incr = _falls_back(RedisCache.incr)
    set_many = _falls_back(RedisCache.set_many)
    delete_many = _falls_back(RedisCache.delete_many)
    clear = _falls_back(RedisCache.clear)
