"""Break-glass through the API (issue 26): the screens' exceptional access, through the same
service (`access.break_glass`): a written reason, an access of BREAK_GLASS_HOURS hours,
journaled, the CRIP managers alerted; refused to the DPO and to those without the permission;
absent files 404; bad bodies 400, never a 500. Runs on SQLite and on PostgreSQL."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from civitas.childprotection.models import BreakGlass
from civitas.childprotection.services import access
from civitas.core import tokens
from civitas.core.models import JournalEntry
from civitas.core.outbox.models import Message

FILES = "/api/v1/childprotection/files/"
REASON = "Enfant accueilli cette nuit en urgence sur notre territoire"


def url(file_or_pk):
    pk = getattr(file_or_pk, "pk", file_or_pk)
    return f"{FILES}{pk}/break-glass/"


def post(client, file_or_pk, body, **kwargs):
    return client.post(url(file_or_pk), body, content_type="application/json", **kwargs)


def alerts():
    return Message.objects.filter(template_code="childprotection.break_glass")


def test_url_is_the_documented_one(cp):
    pk = cp["south_file"].pk
    assert reverse("childprotection:api_file_break_glass", kwargs={"pk": pk}) == url(pk)


def test_break_glass_opens_the_file_journals_and_alerts(cp, cp_client):
    south = cp["south_file"]
    client = cp_client("north")
    assert client.get(f"{FILES}{south.pk}/").status_code == 404  # out of scope
    before = timezone.now()
    response = post(client, south, {"reason": f"  {REASON}  "})
    assert response.status_code == 201, response.content
    body = response.json()
    # the file is answered, as the detail endpoint shows it (no reporter for an agent)
    assert body["file"]["number"] == south.number
    assert body["file"]["summary"] == "Sud secret"
    assert body["file"]["reporter"] is None and body["file"]["children"] == []
    assert body["break_glass"]["reason"] == REASON  # stripped, as on the screen
    opened = BreakGlass.objects.get()
    assert (opened.user, opened.file, opened.reason) == (cp["users"]["north"], south, REASON)
    # the screen's duration
    hours = dt.timedelta(hours=access.BREAK_GLASS_HOURS)
    assert before + hours <= opened.expires_at <= timezone.now() + hours
    assert dt.datetime.fromisoformat(body["break_glass"]["expires_at"]) == opened.expires_at
    # journaled with its reason, the read too (as a break-glass read by the API)
    entry = JournalEntry.objects.get(action="childprotection.break_glass")
    assert entry.object_id == str(south.pk) and entry.details["reason"] == REASON
    assert entry.actor_repr == "agent.nord@example.org"
    read = JournalEntry.objects.filter(action="childprotection.file_read").latest("pk")
    assert read.object_id == str(south.pk)
    assert read.details == {"what": "api", "break_glass": True}
    # the CRIP managers are alerted (the principal administrator holds every permission),
    # without the file's content
    assert sorted(m.to for m in alerts()) == ["crip@example.org", "principal@example.org"]
    assert "Sud" not in alerts()[0].body_text and south.number not in alerts()[0].body_text
    # GET now works for that user, and for no one else
    got = client.get(f"{FILES}{south.pk}/")
    assert got.status_code == 200 and got.json()["summary"] == "Sud secret"
    other = cp_client("north")  # a new session of the same user: the access is the user's
    assert other.get(f"{FILES}{south.pk}/").status_code == 200
    # the list stays to the scope: break-glass opens one file, it does not widen searches
    listed = [f["number"] for f in client.get(FILES).json()["results"]]
    assert listed == [cp["north_file"].number]


def test_the_access_ends_with_its_duration(cp, cp_client):
    south = cp["south_file"]
    client = cp_client("north")
    assert post(client, south, {"reason": REASON}).status_code == 201
    opened = BreakGlass.objects.get()
    opened.expires_at = timezone.now() - dt.timedelta(seconds=1)
    opened.save()
    assert client.get(f"{FILES}{south.pk}/").status_code == 404
    # a new reason opens a new access
    assert post(client, south, {"reason": REASON}).status_code == 201
    assert BreakGlass.objects.count() == 2


def test_a_running_access_or_a_file_in_scope_opens_nothing_new(cp, cp_client):
    client = cp_client("north")
    south, north = cp["south_file"], cp["north_file"]
    first = post(client, south, {"reason": REASON})
    assert first.status_code == 201
    again = post(client, south, {"reason": REASON + " (bis)"})
    assert again.status_code == 200
    assert again.json()["break_glass"] == first.json()["break_glass"]  # the running one
    mine = post(client, north, {"reason": REASON})
    assert mine.status_code == 200
    assert mine.json()["break_glass"] is None and mine.json()["file"]["number"] == north.number
    assert BreakGlass.objects.count() == 1
    assert JournalEntry.objects.filter(action="childprotection.break_glass").count() == 1
    assert alerts().count() == 2  # the first access's two alerts only


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": "trop court"},
        {"reason": "  quatorze cars.   "},  # 14 characters once stripped, as the screen counts
        {"reason": None},
        {"reason": ["une raison assez longue"]},
        {"reason": {"text": "une raison assez longue"}},
        {"reason": "une raison\x00 assez longue"},
        {"motif": REASON},
    ],
)
def test_reason_is_required_and_long_enough(cp, cp_client, body):
    south = cp["south_file"]
    client = cp_client("north")
    response = post(client, south, body)
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["reason"]
    assert response.json()["reason"]  # says why
    assert not BreakGlass.objects.exists()
    assert not JournalEntry.objects.filter(action="childprotection.break_glass").exists()
    assert not alerts().exists()
    assert client.get(f"{FILES}{south.pk}/").status_code == 404


def test_reason_minimum_is_the_screens(cp, cp_client):
    client = cp_client("north")
    short = "x" * (access.REASON_MIN_LENGTH - 1)
    response = post(client, cp["south_file"], {"reason": short})
    assert response.status_code == 400
    assert str(access.REASON_MIN_LENGTH) in response.json()["reason"][0]
    screen = reverse("childprotection:break_glass", kwargs={"pk": cp["south_file"].pk})
    assert client.post(screen, {"reason": short}).status_code == 200  # the form again
    assert not BreakGlass.objects.exists()
    exact = "x" * access.REASON_MIN_LENGTH
    assert post(client, cp["south_file"], {"reason": exact}).status_code == 201


def test_form_encoded_body_works_too(cp, cp_client):
    response = cp_client("north").post(url(cp["south_file"]), {"reason": REASON})
    assert response.status_code == 201, response.content


def test_malformed_json_is_a_400(cp, cp_client):
    response = cp_client("north").post(
        url(cp["south_file"]), "{reason:", content_type="application/json"
    )
    assert response.status_code == 400
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize("who", ["dpo", "crip"])
def test_refused_without_the_permission_as_on_the_screen(cp, cp_client, who):
    """The DPO reads the journal, never a file; the CRIP sees every file by its scope and
    holds no break-glass permission: both 403, on the screen and through the API."""
    south = cp["south_file"]
    client = cp_client(who)
    screen = reverse("childprotection:break_glass", kwargs={"pk": south.pk})
    assert client.post(screen, {"reason": REASON}).status_code == 403
    response = post(client, south, {"reason": REASON})
    assert response.status_code == 403
    assert "Sud secret" not in response.content.decode()
    assert post(client, 999_999, {"reason": REASON}).status_code == 403  # nothing revealed
    assert not BreakGlass.objects.exists()
    assert not alerts().exists()


def test_anonymous_is_refused(cp):
    response = APIClient().post(url(cp["south_file"]), {"reason": REASON}, format="json")
    assert response.status_code in (401, 403)
    assert not BreakGlass.objects.exists()


def test_the_back_office_guard_applies(cp, org):
    """A token not created after the second factor cannot open a file (BackofficeGuard)."""
    org.mfa_required_backoffice = True
    org.save()
    agent = cp["users"]["north"]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    _token, key = tokens.issue(agent, "weak", mfa_verified=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(url(cp["south_file"]), {"reason": REASON}, format="json")
    assert response.status_code == 403
    assert not BreakGlass.objects.exists()
    _token, key = tokens.issue(agent, "strong", mfa_verified=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(url(cp["south_file"]), {"reason": REASON}, format="json")
    assert response.status_code == 201, response.content


def test_absent_and_deleted_files_are_404(cp, cp_client):
    client = cp_client("north")
    for pk in (999_999, 2**63 - 1):
        assert post(client, pk, {"reason": REASON}).status_code == 404
    # beyond the id converter's range: no API route, never a server error
    assert post(client, "99999999999999999999999", {"reason": REASON}).status_code == 404
    south = cp["south_file"]
    south.deleted_at = timezone.now()
    south.save()
    assert post(client, south, {"reason": REASON}).status_code == 404
    assert post(client, south, {}).status_code == 404  # the file first, then the body
    assert not BreakGlass.objects.exists()


def test_only_post(cp, cp_client):
    client = cp_client("north")
    assert client.get(url(cp["south_file"])).status_code == 405
    assert not BreakGlass.objects.exists()


def test_schema_documents_the_operation(cp, cp_client):
    schema = cp_client("crip").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/childprotection/files/{id}/break-glass/"]["post"]
    assert set(operation["responses"]) >= {"200", "201", "400", "401", "403", "404"}
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert request["required"] == ["reason"]
    assert request["properties"]["reason"]["minLength"] == access.REASON_MIN_LENGTH
    ref = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    answer = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(answer["properties"]) == {"break_glass", "file"}
