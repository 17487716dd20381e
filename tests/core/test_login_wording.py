"""The login page speaks of sign-up only when self sign-up is open (issue 32, item 3)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_closed_signup_points_to_the_services_not_to_a_closed_door(client, settings):
    settings.CIVITAS_OPEN_SIGNUP = False
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("account_signup") not in page
    assert "register for one of our services" in page
    if "events" in settings.CIVITAS_MODULES:
        assert f'href="{reverse("events:event_list")}"' in page


def test_open_signup_keeps_the_sign_up_link(client, settings):
    settings.CIVITAS_OPEN_SIGNUP = True
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("account_signup") in page
