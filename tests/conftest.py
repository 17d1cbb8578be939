import pytest
from allauth.account.models import EmailAddress

from smartregion.regions import loader

from .factories import UserFactory

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture(autouse=True)
def _fresh_engine_index():
    """The synergy engine's index is kept per process (synergies.refresh.current_index); each
    test's database is rolled back, so each test starts without one."""
    from smartregion.synergies import refresh

    refresh.forget_index()
    yield
    refresh.forget_index()


@pytest.fixture(autouse=True)
def _fresh_facet_copy():
    """search.facetcounts keeps a copy of the facets per process, by document id; a rolled-back
    test database hands the same ids out again, so each test starts without a copy."""
    from smartregion.search import facetcounts

    facetcounts.clear()
    background, facetcounts.BACKGROUND = facetcounts.BACKGROUND, False  # tests take it themselves
    yield
    facetcounts.BACKGROUND = background
    facetcounts.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tasks run at once, static files need no collectstatic, mails stay in memory."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMARTREGION_REGION = "emscher-lippe"
    # Hashing strength is not under test; PBKDF2's 1M rounds would cost ~0.5 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Per-test memory cache, so rate-limit counters never leak between tests. The shared
    # database cache itself is exercised in tests/core/test_ratelimit.py.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }


@pytest.fixture
def region(db):
    return loader.load("emscher-lippe").region


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def password():
    return "Ein-langes-Testpasswort-2026"


@pytest.fixture
def user(db, password):
    return _verified(UserFactory(password=password))


@pytest.fixture
def coordinator(db, password):
    return _verified(UserFactory(password=password, is_coordinator=True, display_name="Koordina"))


@pytest.fixture
def other_user(db, password):
    return _verified(UserFactory(password=password))
