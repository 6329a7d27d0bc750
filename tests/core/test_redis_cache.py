"""core.redis_cache against a real Redis: Django's behaviour, one client per pool."""

import os
import threading
from urllib.parse import urlsplit

import pytest

from core.redis_cache import RedisCache


@pytest.fixture
def redis_cache():
    broker = urlsplit(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
    if broker.scheme not in ("redis", "rediss"):
        pytest.fail("the tests need Redis (CELERY_BROKER_URL)")
    cache = RedisCache(f"{broker.scheme}://{broker.netloc}/15", {"KEY_PREFIX": "gp-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_behaves_as_djangos_backend(redis_cache):
    redis_cache.set("a", {"x": 1}, 30)
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.add("a", 2) is False
    assert redis_cache.add("n", 1) is True
    assert redis_cache.incr("n") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"


def test_every_operation_uses_one_client(redis_cache):
    first = redis_cache._cache.get_client()
    assert all(redis_cache._cache.get_client(write=w) is first for w in (True, False) * 3)


def test_threads_share_the_client_safely(redis_cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"t{n}-{i}", i)
                assert redis_cache.get(f"t{n}-{i}") == i
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
