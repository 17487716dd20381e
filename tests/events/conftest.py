import datetime as dt

import pytest


def make_event(slug="salon", mode="requests", tables=10, **extra):
    from civitas.events.models import Day, Room, Session, Site
    from civitas.events.services import setup

    event = setup.create_event(
        name=f"Salon {slug}",
        slug=slug,
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 10),
        booking_mode=mode,
        is_published=True,
        **extra,
    )
    site = Site.objects.create(event=event, name="CCI Paris")
    Room.objects.create(site=site, name="Hall A", tables=tables)
    day = Day.objects.create(event=event, date=dt.date(2027, 3, 10))
    session = Session.objects.create(
        day=day, name="Matin", start_time=dt.time(9), end_time=dt.time(10), slot_minutes=20
    )
    setup.generate_slots(session)
    return event


def make_company(event, name, *, validated=True, reps=1, offers=(), country="FR", sector=None):
    """offers: [(kind, title, [keyword labels])]"""
    from civitas.events.models import Company, Keyword, Offer, Representative
    from civitas.events.services import registration

    slug = name.lower().replace(" ", "")
    company = Company(
        name=name,
        country=country,
        siret="73282932000074",
        sector=sector,
        description=f"Description de {name}",
    )
    rep_objs = [
        Representative(
            first_name=f"P{i}", last_name=name, email=f"p{i}@{slug}.example", phone="+33612345678"
        )
        for i in range(reps)
    ]
    offer_objs = []
    for kind, title, kws in offers:
        o = Offer(kind=kind, title=title)
        o._keywords = [Keyword.objects.get_or_create(event=event, label_fr=k)[0] for k in kws]
        offer_objs.append(o)
    registration.register_company(event, company, rep_objs, offer_objs)
    if validated:
        registration.validate_registration(company)
    company.refresh_from_db()
    return company


@pytest.fixture
def event(db):
    return make_event()


@pytest.fixture
def slots_event(db):
    return make_event("rdv-direct", mode="slots")


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield
