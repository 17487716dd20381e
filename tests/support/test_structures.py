"""Back office: customer structures, declaring portal users, settling référents' requests."""

import pytest
from django.test import Client
from django.urls import reverse

from civitas.core import permissions
from civitas.core.outbox.models import Message as OutMessage
from civitas.support.models import Correspondent, UserRequest
from civitas.support.services import portal


@pytest.mark.django_db
def test_agent_declares_a_portal_user_within_the_limit(desk):
    client = Client()
    client.force_login(desk["agent"])
    url = reverse("support:bo_structure", kwargs={"pk": desk["structure"].pk})
    response = client.post(
        url,
        {"what": "person", "email": "Nouvelle@Nord.example", "full_name": "Nina", "kind": "user"},
    )
    assert response.status_code == 302
    link = Correspondent.objects.get(user__email="nouvelle@nord.example")
    assert permissions.has_perm(link.user, "support.open_tickets", desk["structure"])
    assert OutMessage.objects.filter(to="nouvelle@nord.example").exists()  # invitation
    # Three portal users now: a fourth is refused with a message, the form keeps the input.
    response = client.post(
        url,
        {"what": "person", "email": "quatre@nord.example", "full_name": "Quatre", "kind": "user"},
    )
    assert response.status_code == 200
    assert "quatre@nord.example" in response.content.decode()
    assert not Correspondent.objects.filter(user__email="quatre@nord.example").exists()


@pytest.mark.django_db
def test_agent_settles_a_referent_request(desk):
    request = portal.request_user(
        desk["structure"], desk["referent"], "suspend", desk["user"].email
    )
    client = Client()
    client.force_login(desk["agent"])
    url = reverse("support:bo_structure", kwargs={"pk": desk["structure"].pk})
    assert desk["structure"].name in client.get(reverse("support:bo_structures")).content.decode()
    client.post(url, {"what": "done", "request": request.pk})
    request.refresh_from_db()
    assert request.state == UserRequest.State.DONE
    customer = Client()
    customer.force_login(desk["referent"])
    assert customer.get(url).status_code == 403
