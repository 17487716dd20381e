"""Check-in lists per animation (who booked it), the "unpaid" refusal at the entrance, the
offline list and the scan API giving the same answers, attendance sheets per animation."""

import json
from decimal import Decimal

import pytest

from civitas.events.models import AnimationRegistration, CheckinList, EventPayment, PriceCategory
from civitas.events.services import animations, attendance, checkin, checkout
from tests.billing.conftest import seller  # noqa: F401 (fixture)
from tests.events.animation_helpers import at, make_animation
from tests.events.conftest import make_company

S = AnimationRegistration.Status

pytestmark = pytest.mark.django_db


def anim_list(animation) -> CheckinList:
    return CheckinList.objects.get(target_type="animation", target_id=animation.pk)


@pytest.fixture
def workshop(event):
    a = make_animation(event, "Atelier export", capacity=10)
    checkin.ensure_lists(event)
    return a


@pytest.fixture
def people(event, workshop):
    """One person per state of a booking of the workshop (plus people not on it)."""
    firm = make_company(event, "Firm", reps=7)
    booked, waiting, offered, cancelled, transferred, nothing, elsewhere = (
        firm.representatives.order_by("pk")
    )
    other = make_animation(event, "Conférence", capacity=10, start=at(14), end=at(15))
    for rep, status in [
        (booked, S.REGISTERED),
        (waiting, S.WAITING),
        (offered, S.OFFERED),
        (cancelled, S.CANCELLED),
        (transferred, S.TRANSFERRED),
    ]:
        AnimationRegistration.objects.create(animation=workshop, representative=rep, status=status)
    AnimationRegistration.objects.create(animation=other, representative=elsewhere)
    # Booked, but the company's registration is not validated.
    pending = make_company(event, "Pending", validated=False).representatives.get()
    AnimationRegistration.objects.create(animation=workshop, representative=pending)
    return {
        "booked": booked,
        "waiting": waiting,
        "offered": offered,
        "cancelled": cancelled,
        "transferred": transferred,
        "nothing": nothing,
        "elsewhere": elsewhere,
        "pending": pending,
    }


def test_one_list_per_animation_idempotent_and_following_the_animation(event, workshop):
    lst = anim_list(workshop)
    assert lst.kind == CheckinList.Kind.OTHER
    assert lst.name == "Atelier export 10/03/2027 11:00"
    assert checkin.ensure_lists(event) == []
    assert CheckinList.objects.filter(target_type="animation").count() == 1
    # An animation added later gets its list at once; its list follows its title and time.
    from civitas.events.models import Animation

    later = Animation(event=event, title_fr="Table ronde", start=at(16), end=at(17))
    animations.save_animation(later)
    assert anim_list(later).name == "Table ronde 10/03/2027 16:00"
    later.title_fr = "Table ronde Asie"
    later.start, later.end = at(16, 30), at(17, 30)
    animations.save_animation(later)
    assert anim_list(later).name == "Table ronde Asie 10/03/2027 16:30"
    # A cancelled animation gets no list from ensure_lists.
    gone = make_animation(event, "Annulé", status=Animation.Status.CANCELLED)
    checkin.ensure_lists(event)
    assert not CheckinList.objects.filter(target_type="animation", target_id=gone.pk).exists()


def test_no_animation_list_before_the_event_lists_exist(event):
    from civitas.events.models import Animation

    a = Animation(event=event, title_fr="Atelier", start=at(11), end=at(12))
    animations.save_animation(a)
    assert not event.checkin_lists.exists()
    created = checkin.ensure_lists(event)
    assert {lst.kind for lst in created} == {"event", "day", "session", "other"}


def test_booked_person_is_valid_others_not_registered(workshop, people):
    lst = anim_list(workshop)
    res = checkin.scan(lst, people["booked"].checkin_token)
    assert res.status == "valid"
    for key in ("waiting", "offered", "cancelled", "transferred", "nothing", "elsewhere"):
        res = checkin.scan(lst, people[key].checkin_token, client_id=f"c-{key}")
        assert res.status == "not_registered", key
        assert res.message == "Not registered for this animation (Atelier export 10/03/2027 11:00)"
    assert checkin.scan(lst, people["pending"].checkin_token).status == "not_registered"
    assert lst.checkins.count() == 1


def test_eligible_ids_agree_with_eligible(event, workshop, people):
    from civitas.events.models import Representative

    checkin.ensure_lists(event)  # the second animation was created without the service
    lists = list(event.checkin_lists.all())
    assert len(lists) == 5  # event, day, session, the two animations
    reps = list(Representative.objects.filter(company__event=event))
    for lst in lists:
        ids = checkin.eligible_ids(lst)
        for rep in reps:
            assert (rep.pk in ids) == checkin.eligible(lst, rep), (lst.name, rep.full_name)
    assert checkin.eligible_ids(anim_list(workshop)) == {people["booked"].pk}


def test_eligible_ids_of_an_animation_list_in_a_few_queries(
    event, workshop, django_assert_max_num_queries
):
    for i in range(6):
        rep = make_company(event, f"Many{i}").representatives.get()
        animations.register(workshop, rep)
    lst = anim_list(workshop)
    with django_assert_max_num_queries(3):
        assert len(checkin.eligible_ids(lst)) == 6


# --- Unpaid ---------------------------------------------------------------------------------


@pytest.fixture
def paid_event(event, seller):  # noqa: F811
    EventPayment.objects.create(event=event, seller=seller, providers=["demo", "transfer"])
    return PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("200.00"))


def unpaid_company(event, category, name="Debtor"):
    """Validated by the organiser, its order still due."""
    company = make_company(event, name)
    order = checkout.open_order(company, category)
    assert order.status == "open" and order.total_gross > 0
    return company


UNPAID = "Unpaid registration: see the reception desk"


def test_unpaid_company_is_refused_then_valid_once_paid(event, workshop, paid_event):
    checkin.ensure_lists(event)
    company = unpaid_company(event, paid_event)
    rep = company.representatives.get()
    animations.register(workshop, rep)
    for lst in (event.checkin_lists.get(kind="event"), anim_list(workshop)):
        res = checkin.scan(lst, rep.checkin_token)
        assert (res.status, res.message) == ("refused", UNPAID)
        # An exit is not an entry: not refused.
        assert checkin.scan(lst, rep.checkin_token, direction="exit").status == "exit"
        assert not lst.checkins.filter(direction="entry").exists()
    checkout.mark_paid(company.order, user=None)
    for lst in (event.checkin_lists.get(kind="event"), anim_list(workshop)):
        assert checkin.scan(lst, rep.checkin_token).status == "valid"


def test_paid_free_or_allowed_is_valid(event, paid_event):
    checkin.ensure_lists(event)
    lst = event.checkin_lists.get(kind="event")
    # Nothing to pay (internal audience): never refused.
    internal = PriceCategory.objects.create(
        event=event, name="CCI", amount=Decimal("200"), is_internal=True
    )
    free = make_company(event, "Staff")
    assert checkout.open_order(free, internal).total_gross == 0
    assert checkin.scan(lst, free.representatives.get().checkin_token).status == "valid"
    # No order at all: nothing due.
    nobody = make_company(event, "NoOrder").representatives.get()
    assert checkin.scan(lst, nobody.checkin_token).status == "valid"
    # The event's settings let unpaid people in.
    debtor = unpaid_company(event, paid_event).representatives.get()
    assert checkin.scan(lst, debtor.checkin_token, client_id="d1").status == "refused"
    EventPayment.objects.filter(event=event).update(checkin_refuse_unpaid=False)
    assert checkin.scan(lst, debtor.checkin_token, client_id="d2").status == "valid"


def test_an_event_that_does_not_sell_never_refuses(event):
    """No payment settings: orders cannot be paid, the event is free at the entrance."""
    checkin.ensure_lists(event)
    category = PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("50"))
    rep = unpaid_company(event, category).representatives.get()
    assert checkout.unpaid_company_ids(event) == set()
    assert checkin.scan(event.checkin_lists.get(kind="event"), rep.checkin_token).status == "valid"


def test_refusals_of_a_list_agree_with_the_scan(event, workshop, paid_event):
    debtor = unpaid_company(event, paid_event).representatives.get()
    ok = make_company(event, "Fine").representatives.get()
    lst = event.checkin_lists.get(kind="event")
    assert checkin.refusals(lst, checkin.eligible_ids(lst)) == {debtor.pk: UNPAID}
    assert checkin.refusal(lst, debtor) == UNPAID and checkin.refusal(lst, ok) == ""


# --- The screens: offline list and scan API -------------------------------------------------


def test_offline_list_and_scan_api_say_the_same(client_for, event, workshop, people, paid_event):
    debtor = unpaid_company(event, paid_event).representatives.get()
    animations.register(workshop, debtor)
    lst = anim_list(workshop)
    c = client_for("principal", lang="en")
    base = f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/"
    snap = c.get(base + "liste.json").json()
    not_registered = "Not registered for this animation (Atelier export 10/03/2027 11:00)"
    assert snap["list"]["not_registered"] == not_registered
    by_rep = {p["rep"]: p for p in snap["people"]}
    assert by_rep[people["booked"].pk]["registered"] is True
    assert by_rep[people["booked"].pk]["refused"] == ""
    assert by_rep[debtor.pk]["registered"] is True
    assert by_rep[debtor.pk]["refused"] == UNPAID
    for key in ("waiting", "offered", "cancelled", "nothing", "pending"):
        assert by_rep[people[key].pk]["registered"] is False, key
    scans = [
        {"client_id": "s1", "code": people["booked"].checkin_token},
        {"client_id": "s2", "code": people["waiting"].checkin_token},
        {"client_id": "s3", "rep": people["cancelled"].pk},
        {"client_id": "s4", "code": debtor.checkin_token},
    ]
    r = c.post(base + "scans.json", json.dumps({"scans": scans}), content_type="application/json")
    results = r.json()["results"]
    statuses = [x["status"] for x in results]
    assert statuses == ["valid", "not_registered", "not_registered", "refused"]
    assert results[1]["message"] == not_registered
    assert (results[3]["message"], results[3]["label"]) == (UNPAID, "REFUSED")
    # The screen gives the device the list's own "not registered" message, and the page
    # without JavaScript shows the refusal big and red.
    page = c.get(base).content.decode()
    assert f'data-msg-not-registered="{not_registered}"' in page
    answer = c.post(base, {"code": debtor.checkin_token, "direction": "entry"}).content.decode()
    assert "result-refused" in answer and UNPAID in answer


def test_lists_page_shows_the_animation_lists(client_for, event, workshop, people):
    c = client_for("principal", lang="en")
    page = c.get(f"/backoffice/evenements/{event.pk}/accueil/").content.decode()
    assert "Atelier export 10/03/2027 11:00" in page


# --- Attendance sheets ----------------------------------------------------------------------


def test_animation_attendance_sheet_lists_the_booked_people(client_for, event, workshop, people):
    lst = anim_list(workshop)
    checkin.scan(lst, people["booked"].checkin_token)
    second = make_company(event, "Zeta").representatives.get()
    animations.register(workshop, second)
    rows = attendance.animation_sheet_people(workshop)
    assert [r.pk for r, _at in rows] == [people["booked"].pk, second.pk]
    assert rows[0][1] is not None and rows[1][1] is None
    c = client_for("principal", lang="en")
    r = c.get(f"/backoffice/evenements/{event.pk}/emargement/animations/{workshop.pk}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    badges = c.get(f"/backoffice/evenements/{event.pk}/badges/").content.decode()
    assert f"/emargement/animations/{workshop.pk}.pdf" in badges
