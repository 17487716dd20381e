""" "Mon espace" and the account settings page."""

import pytest

pytestmark = pytest.mark.django_db


def test_my_space_without_any_module_content_says_what_to_do(client_for):
    html = client_for("participant", lang="en").get("/espace/").content.decode()
    assert "My space" in html
    assert "Nothing here yet" in html
    assert "/espace/compte/" in html  # the account is one entry among others


def test_account_settings_keep_the_profile_form(client_for, users):
    client = client_for("participant", lang="en")
    page = client.get("/espace/compte/")
    assert page.status_code == 200
    assert "Change my password" in page.content.decode()
    saved = client.post("/espace/compte/", {"full_name": "Chloé D.", "phone": "", "language": "en"})
    assert saved.status_code == 302 and saved["Location"] == "/espace/compte/"
    users["participant"].refresh_from_db()
    assert users["participant"].full_name == "Chloé D."


def test_account_settings_need_a_login(client):
    response = client.get("/espace/compte/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
