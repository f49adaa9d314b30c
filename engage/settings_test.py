"""Settings for the test suite: fast hashing, eager tasks, mail kept in memory.

``DATABASE_URL`` and ``REDIS_URL`` are honoured, so ``.ci/run`` runs the same suite against
PostgreSQL and Redis; without them the suite uses an in-memory SQLite database.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 30)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SAFEGUARDING_URGENT_ROUTE", "Tests: call 999, then the safeguarding line.")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# One prefix per pytest-xdist worker: the workers share a Redis in CI, and cached values are
# keyed by data versions that each worker's test database numbers alike.
os.environ.setdefault(
    "CACHE_KEY_PREFIX", "engage-tests-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
)

from engage.settings import *  # noqa: F403
from engage.settings import CACHES, DATABASES, REDIS_URL

# ...and one Redis database per worker: each test starts with ``cache.clear()``, which empties
# a whole Redis database whatever the prefix, and would empty another worker's cache in the
# middle of a test that checks a value is read from it (gw0 uses REDIS_URL's database, gw1 the
# one below it, and so on).
if REDIS_URL and CACHES["default"]["BACKEND"].endswith("RedisCache"):
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _url = urlsplit(REDIS_URL)
    _database = int(_url.path.lstrip("/") or 0)
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{(_database - _worker) % 16}"))

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process even when REDIS_URL is set; the Redis tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# ...and within the call that queues them, so a test sees their effects at once.
ENGAGE_EAGER_TASKS_IN_BACKGROUND = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
# Serve static files from the finders (no collectstatic in tests; the browser tests need them).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
