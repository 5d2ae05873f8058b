"""Test settings: the real settings with the development defaults filled in."""
import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")

from .settings import *  # noqa: E402,F401,F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Warming the pages after a recompute renders six bodies in a thread of its own when tasks run in-process: in a test
# whose rows are not committed that thread would find them locked. The tests of warming turn it on.
WARM_PAGES_AFTER_RECOMPUTE = False
# uploaded evidence goes to a throw-away directory, never into the checkout
if os.environ.get("TEST_MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["TEST_MEDIA_ROOT"]
else:
    import atexit
    import shutil
    import tempfile

    MEDIA_ROOT = tempfile.mkdtemp(prefix="leshan-test-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
