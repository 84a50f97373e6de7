"""A Redis cache that degrades to a miss when Redis is unreachable.

The cache only ever holds what can be recomputed, so losing Redis must cost speed, never a
500: reads return the default, writes report failure (incr/decr return None), and each
skipped call is logged.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _soft(default):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                log.warning("cache %s skipped, Redis unreachable: %s", method.__name__, error)
                return default(args, kwargs) if callable(default) else default

        return wrapper

    return decorate


def _get_default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class FailSoftRedisCache(RedisCache):
    get = _soft(_get_default)(RedisCache.get)
    set = _soft(False)(RedisCache.set)
    add = _soft(False)(RedisCache.add)
    touch = _soft(False)(RedisCache.touch)
    delete = _soft(False)(RedisCache.delete)
    get_many = _soft({})(RedisCache.get_many)
    set_many = _soft(lambda args, kwargs: list(args[0]) if args else [])(RedisCache.set_many)
    delete_many = _soft(None)(RedisCache.delete_many)
    has_key = _soft(False)(RedisCache.has_key)
    clear = _soft(False)(RedisCache.clear)
    incr = _soft(None)(RedisCache.incr)
    decr = _soft(None)(RedisCache.decr)
