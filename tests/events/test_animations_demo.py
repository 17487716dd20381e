"""The demo animations: a full workshop with a waiting list (the demo participant waits),
a training with its agreement, an invitation-only round table."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from civitas.core.models import User
from civitas.events.models import Animation, Event
from civitas.events.services import animations as svc

pytestmark = pytest.mark.django_db


def test_demo_animations(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_events_demo", companies=24, requests=40, stdout=io.StringIO())
    event = Event.objects.get(slug="rencontres-affaires-demo")
    workshop = event.animations.get(reference="AT-01")
    avail = svc.availability(workshop)
    assert avail.full and avail.waiting == 3
    user = User.objects.get(email="participant@demo.civitas.fr")
    assert workshop.registrations.get(representative__user=user).status == "waiting"
    training = event.animations.get(kind=Animation.Kind.TRAINING)
    reg = training.registrations.get(representative__user=user)
    assert svc.training_agreement(reg).startswith(b"%PDF")
    client.force_login(user)
    page = client.get(reverse("events:area_animations", kwargs={"slug": event.slug}))
    html = page.content.decode()
    assert "réussir sa première exportation" in html and "Table ronde des dirigeants" in html
    # Idempotent
    count = Animation.objects.count()
    call_command("load_events_demo", companies=24, requests=40, stdout=io.StringIO())
    assert Animation.objects.count() == count
