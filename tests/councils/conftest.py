import datetime as dt

import pytest
from django.utils import timezone

from civitas.councils.models import EPCI, Commune, Official, RecipientList, Sitting


@pytest.fixture
def epci(unit_tree):
    return EPCI.objects.create(unit=unit_tree["north"], name="CA du Nord", siren="200000001")


@pytest.fixture
def perimeter(epci):
    small = Commune.objects.create(
        epci=epci, insee_code="67001", name="Petiteville", population=400
    )
    big = Commune.objects.create(epci=epci, insee_code="67002", name="Grandeville", population=9000)
    officials = [
        Official.objects.create(
            epci=epci,
            commune=small,
            first_name="Anne",
            last_name="Martin",
            email="anne@petiteville.fr",
            mobile="+33612345678",
            mandates=["mayor"],
        ),
        Official.objects.create(
            epci=epci,
            commune=small,
            first_name="Paul",
            last_name="Durand",
            email="paul@petiteville.fr",
            mandates=["councillor"],
            channel="paper",
            address="1 rue de la Mairie\n67001 Petiteville",
        ),
        Official.objects.create(
            epci=epci,
            commune=big,
            first_name="Léa",
            last_name="Bernard",
            email="lea@grandeville.fr",
            mandates=["councillor", "delegate"],
            sits_on_epci_council=True,
        ),
    ]
    rlist = RecipientList.objects.create(
        epci=epci, name="Non-membres", kind=RecipientList.Kind.NON_MEMBERS
    )
    return {"small": small, "big": big, "officials": officials, "list": rlist}


@pytest.fixture
def sitting(epci, perimeter):
    return Sitting.objects.create(
        epci=epci,
        title="Conseil communautaire",
        date=timezone.now() + dt.timedelta(days=10),
        place="Hôtel communautaire",
        recipient_list=perimeter["list"],
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_pdf(size=3000, marker=b"x"):
    """A small file that sniffs as PDF (header and trailer), of `size` bytes."""
    head, tail = b"%PDF-1.7\n", b"\n%%EOF\n"
    body = (marker * size)[: size - len(head) - len(tail)]
    return head + body + tail
