"""Evolution requests (004 §4.4): examined and ranked by the provider, planned in a version
(the roadmap), shown on the version sheet; the requester is told of each decision."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from civitas.core.outbox.models import Message as OutMessage
from civitas.support.models import Evolution, Version
from civitas.support.services import roadmap, tickets


def login(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def evolution(desk):
    ticket = tickets.open_ticket(
        structure=desk["structure"],
        requester=desk["user"],
        product=desk["product"],
        service="evolution",
        level=3,
        subject="Export des actes au format ODS",
        text="Nous voudrions un export ODS.",
    )
    return ticket.evolution


@pytest.fixture
def next_version(desk):
    return Version.objects.create(
        product=desk["product"], number="5.0", planned_on=date(2027, 6, 1)
    )


@pytest.mark.django_db
def test_an_evolution_ticket_is_recorded_for_examination(desk, evolution, open_ticket):
    assert evolution.decision == "submitted"
    assert evolution.title == "Export des actes au format ODS"
    bug = open_ticket()
    assert not Evolution.objects.filter(ticket=bug).exists()
    # Requalified as an evolution request, it enters the examination.
    tickets.qualify(
        bug,
        desk["agent"],
        level=3,
        service="evolution",
        sla_table=desk["table"],
        calendar=desk["calendar"],
    )
    assert Evolution.objects.filter(ticket=bug).exists()


@pytest.mark.django_db
def test_planning_needs_a_version_of_the_product(desk, evolution, next_version):
    kwargs = {"by": desk["agent"], "title": "Export ODS", "interest": "general", "priority": 1}
    with pytest.raises(roadmap.RoadmapError):
        roadmap.decide(evolution, decision="planned", **kwargs)
    from civitas.support.models import Product

    other = Version.objects.create(product=Product.objects.create(name="Autre"), number="1")
    with pytest.raises(roadmap.RoadmapError):
        roadmap.decide(evolution, decision="planned", version=other, **kwargs)
    with pytest.raises(roadmap.RoadmapError):
        roadmap.decide(evolution, decision="refused", **kwargs)


@pytest.mark.django_db
def test_a_planned_evolution_is_on_the_roadmap_and_the_requester_told(
    desk, evolution, next_version
):
    before = OutMessage.objects.filter(to=desk["user"].email).count()
    roadmap.decide(
        evolution,
        by=desk["agent"],
        decision="planned",
        title="Export ODS des actes",
        interest="general",
        priority=1,
        version=next_version,
    )
    mails = OutMessage.objects.filter(to=desk["user"].email).order_by("pk")
    assert mails.count() == before + 1
    assert "5.0" in mails.last().body_text
    plan = dict(roadmap.roadmap(today=date(2027, 3, 1)))
    assert [e.title for e in plan[next_version]] == ["Export ODS des actes"]
    # Once the version is out it leaves the roadmap.
    next_version.released_on = date(2027, 6, 2)
    next_version.save()
    assert next_version not in dict(roadmap.roadmap(today=date(2027, 6, 3)))


@pytest.mark.django_db
def test_the_agent_decides_on_the_ticket_page_and_a_bad_form_keeps_the_text(
    desk, evolution, next_version
):
    client = login(desk["agent"])
    url = reverse("support:bo_ticket", kwargs={"pk": evolution.ticket_id})
    assert "Evolution request: examination" in client.get(url).content.decode()
    data = {
        "what": "evolution",
        "evolution-title": "Export ODS",
        "evolution-decision": "refused",
        "evolution-interest": "specific",
        "evolution-priority": "3",
        "evolution-version": "",
        "evolution-rationale": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why the evolution is not kept" in response.content.decode()
    assert "Export ODS" in response.content.decode()
    evolution.refresh_from_db()
    assert evolution.decision == "submitted"
    data.update({"evolution-decision": "planned", "evolution-version": next_version.pk})
    assert client.post(url, data).status_code == 302
    evolution.refresh_from_db()
    assert (evolution.decision, evolution.version) == ("planned", next_version)
    listing = client.get(reverse("support:bo_evolutions")).content.decode()
    assert "Export ODS" in listing and "On the roadmap" in listing


@pytest.mark.django_db
def test_customers_read_the_roadmap_and_the_version_sheet(desk, evolution, next_version):
    roadmap.decide(
        evolution,
        by=desk["agent"],
        decision="planned",
        title="Export ODS des actes",
        interest="general",
        priority=1,
        version=next_version,
    )
    from django.utils import timezone

    from civitas.support.models import ReleaseNote

    ReleaseNote.objects.create(
        version=next_version, text="Nouvel export.", announced_at=timezone.now()
    )
    outsider = login(desk["outsider"])
    page = outsider.get(reverse("support:roadmap")).content.decode()
    assert "Export ODS des actes" in page  # the roadmap is common to every customer
    assert "Export des actes au format ODS" not in page  # but not another's request
    mine = login(desk["user"]).get(reverse("support:roadmap")).content.decode()
    assert "Export des actes au format ODS" in mine and "On the roadmap" in mine
    sheet = outsider.get(reverse("support:version", kwargs={"pk": next_version.pk}))
    body = sheet.content.decode()
    assert "Version sheet" in body and "Nouvel export." in body and "Export ODS des actes" in body


@pytest.mark.django_db
def test_the_version_sheet_lists_only_the_readers_fixed_tickets(desk, open_ticket, next_version):
    fixed = open_ticket(subject="Bug de signature")
    tickets.agent_reply(
        fixed, desk["agent"], "Corrigé", "bug_fixed_in_version", fixed_in=next_version
    )
    url = reverse("support:version", kwargs={"pk": next_version.pk})
    assert "Bug de signature" in login(desk["user"]).get(url).content.decode()
    assert "Bug de signature" not in login(desk["outsider"]).get(url).content.decode()


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.django_db
def test_the_version_sheet_pdf(desk, open_ticket, evolution, next_version, unit_tree):
    from django.utils import timezone

    from civitas.support.models import ReleaseNote
    from tests.conftest import make_user

    roadmap.decide(
        evolution,
        by=desk["agent"],
        decision="planned",
        title="Export ODS des actes",
        interest="general",
        priority=1,
        version=next_version,
    )
    ReleaseNote.objects.create(
        version=next_version,
        text="Nouvel export des actes.",
        known_issues="L'aperçu des annexes reste lent au-delà de 50 pages.",
        announced_at=timezone.now(),
    )
    ours = open_ticket(subject="Bug de signature")
    tickets.agent_reply(
        ours, desk["agent"], "Corrigé", "bug_fixed_in_version", fixed_in=next_version
    )
    theirs = open_ticket(user=desk["outsider"], structure=desk["other"], subject="Bug du sud")
    tickets.agent_reply(
        theirs, desk["agent"], "Corrigé", "bug_fixed_in_version", fixed_in=next_version
    )

    # The screen offers the download; the customer's PDF carries their own tickets only.
    user = login(desk["user"])
    screen = user.get(reverse("support:version", kwargs={"pk": next_version.pk})).content.decode()
    pdf_url = reverse("support:version_pdf", kwargs={"pk": next_version.pk})
    assert pdf_url in screen and "50 pages" in screen
    response = user.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "fiche-version-civitas-actes-5.0.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Version sheet: Civitas Actes 5.0" in text and "1 June 2027" in text
    assert "Nouvel export des actes." in text and "Export ODS des actes" in text
    assert "L'aperçu des annexes reste lent au-delà de 50 pages." in text
    assert "Bug de signature" in text and "Bug du sud" not in text
    assert "Bug du sud" in pdf_text(login(desk["outsider"]).get(pdf_url).content)

    # The agent prints it from the back office with every fixed ticket and its structure.
    agent = login(desk["agent"])
    evolutions = agent.get(reverse("support:bo_evolutions")).content.decode()
    bo_url = reverse("support:bo_version_pdf", kwargs={"pk": next_version.pk})
    assert bo_url in evolutions
    response = agent.get(bo_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Bug de signature" in text and "Commune de Nord" in text
    assert "Bug du sud" in text and "Commune de Sud" in text
    assert "50 pages" in text
    # An agent limited to the south unit sees the south's tickets only.
    south = make_user(
        "agent.sud@support.example",
        role_code="support_agent",
        scope=("unit", unit_tree["south"].pk),
    )
    text = pdf_text(login(south).get(bo_url).content)
    assert "Bug du sud" in text and "Bug de signature" not in text

    # Each side keeps its own door: customers are refused the back office's sheet, an
    # account with neither role both; anonymous visitors are sent to log in.
    assert user.get(bo_url).status_code == 403
    stranger = login(make_user("nobody@example.org"))
    assert stranger.get(pdf_url).status_code == 403
    assert stranger.get(bo_url).status_code == 403
    assert Client().get(pdf_url).status_code == 302
    missing = reverse("support:version_pdf", kwargs={"pk": next_version.pk + 100})
    assert user.get(missing).status_code == 404
