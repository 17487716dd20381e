import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def make_user_fn(db):
    from civitas.core.models import User

    def make(email, **extra):
        return User.objects.create_user(email, "x-Password-123456", **extra)

    return make


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English messages (French translations are added centrally)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
