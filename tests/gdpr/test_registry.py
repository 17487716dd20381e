"""Every model holding personal-looking fields must be declared (or exempted with a reason)."""

import pytest
from django.db import models

from civitas.core.gdpr import registry


def test_every_model_with_personal_fields_is_declared():
    missing = registry.undeclared_models()
    assert not missing, (
        "Models with personal-looking fields, neither registered nor exempted in a "
        "personal_data.py module:\n"
        + "\n".join(f"  {label}: {', '.join(fields)}" for label, fields in missing)
    )


def test_detection_finds_personal_fields():
    from allauth.usersessions.models import UserSession
    from axes.models import AccessAttempt

    from civitas.core.models import Role, RoleAssignment, Unit, User

    assert set(registry.personal_looking_fields(User)) >= {"email", "full_name", "phone"}
    assert set(registry.personal_looking_fields(UserSession)) >= {"user", "ip", "user_agent"}
    assert "ip_address" in registry.personal_looking_fields(AccessAttempt)
    assert "user" in registry.personal_looking_fields(RoleAssignment)
    # names of things are not names of people
    assert registry.personal_looking_fields(Unit) == []
    assert registry.personal_looking_fields(Role) == []


def test_an_undeclared_model_is_reported():
    """The completeness check really fails for a new model with personal fields."""

    class Contact(models.Model):  # noqa: DJ008
        last_name = models.CharField(max_length=50)
        mobile = models.CharField(max_length=20)

        class Meta:
            app_label = "gdpr"

    from django.apps import apps

    try:
        reported = dict(registry.undeclared_models())
        assert reported["gdpr.Contact"] == ["last_name", "mobile"]
        registry.exempt("gdpr.Contact", "test")
        assert "gdpr.Contact" not in dict(registry.undeclared_models())
    finally:
        registry._exempt.pop("gdpr.Contact", None)
        del apps.all_models["gdpr"]["contact"]
        apps.clear_cache()


def test_declarations_need_reasons_and_known_categories():
    with pytest.raises(ValueError):
        registry.exempt("core.Unit", " ")
    with pytest.raises(ValueError):
        registry.register(
            "core.Unit", category="identity", person_fields=[], subject_filter=None, erase="keep"
        )
    with pytest.raises(ValueError):
        registry.register(
            "core.Unit", category="nope", person_fields=[], subject_filter=None, erase="delete"
        )
    with pytest.raises(ValueError):
        registry.register(
            "core.Unit", category="identity", person_fields=[], subject_filter=None, erase="shred"
        )
    assert registry.declaration("core.Unit") is None


def test_user_account_is_erased_last():
    labels = [d.label for d in registry.declarations()]
    assert labels[-1] == "core.User"
    assert registry.declaration("core.JournalEntry").erase == "keep"
