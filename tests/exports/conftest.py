import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files go to a throw-away MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the source language), whatever the default is."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
