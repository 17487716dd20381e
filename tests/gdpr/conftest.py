import pytest
from django.utils import timezone

from civitas.core import journal


@pytest.fixture
def person(db):
    """A participant with data in several declared models."""
    from allauth.account.models import EmailAddress
    from auditlog.context import set_actor
    from wagtail.documents.models import Document

    from civitas.core.models import LoginEvent, Unit, User

    user = User.objects.create_user(
        "jeanne.martin@example.org", "x-Password-42", full_name="Jeanne Martin", phone="0612345678"
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.LOGIN,
        user_id=user.pk,
        identifier=user.email,
        ip="192.0.2.10",
        user_agent="Firefox",
    )
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.FAILURE, identifier=user.email, ip="192.0.2.11", user_agent="Curl"
    )
    with set_actor(user, remote_addr="192.0.2.12"):
        unit = Unit.objects.create(name="Service RGPD")
    doc = Document.objects.create(
        title="Pièce jointe", file="documents/x.pdf", uploaded_by_user=user
    )
    journal.record("test.action", actor=user, details={"x": 1})
    return {"user": user, "unit": unit, "doc": doc, "at": timezone.now()}
