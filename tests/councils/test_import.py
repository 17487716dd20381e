import pytest
from django.core.management import CommandError, call_command

from civitas.councils.models import Commune, Official
from civitas.councils.services import perimeter as perimeter_svc


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


COMMUNES = "Code INSEE;Nom;Population\n67001;Petiteville;400\n67002;Grandeville;9 000\n"


def run(*args):
    from io import StringIO

    from django.utils import translation

    out = StringIO()
    try:
        with translation.override("en"):  # the test reads English reasons
            call_command("councils_import", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


@pytest.mark.django_db
def test_communes_import_dry_run_then_commit_then_update(epci, tmp_path):
    path = write(tmp_path, "communes.csv", COMMUNES)
    out, err = run(path, "--dry-run")
    assert err is None and "2 accepted" in out and "nothing written" in out
    assert Commune.objects.count() == 0
    out, err = run(path)
    assert err is None and "committed" in out
    assert Commune.objects.get(insee_code="67002").population == 9000
    assert epci.recipient_lists.get().kind == "non_members"
    # Re-import updates, never duplicates.
    run(write(tmp_path, "c2.csv", "insee;nom;population\n67002;Grandeville;9100\n"))
    assert Commune.objects.count() == 2
    assert Commune.objects.get(insee_code="67002").population == 9100


@pytest.mark.django_db
def test_bad_rows_are_named_and_nothing_is_written(epci, tmp_path):
    path = write(
        tmp_path, "c.csv", "insee;nom;population\n67001;A;10\n6700X;B;20\n67003;C;beaucoup\n"
    )
    out, err = run(path)
    assert err is not None
    assert "line 2: ok" in out
    assert "line 3: REJECTED" in out and "INSEE" in out
    assert "line 4: REJECTED" in out
    assert Commune.objects.count() == 0


OFFICIALS = (
    "insee;nom;prénom;courriel;portable;mandat;conseiller communautaire;canal\n"
    "67001;Martin;Anne;Anne@Petiteville.fr;06 12 34 56 78;Maire;non;électronique\n"
    "67001;Durand;Paul;paul@petiteville.fr;;Conseiller municipal;non;papier\n"
    "67002;Bernard;Léa;lea@grandeville.fr;+33 7 81 00 00 01;conseiller, délégué;oui;\n"
)


@pytest.mark.django_db
def test_officials_import_and_reimport(epci, tmp_path):
    run(write(tmp_path, "c.csv", COMMUNES))
    out, err = run(write(tmp_path, "o.csv", OFFICIALS))
    assert err is None, out
    anne = Official.objects.get(email="anne@petiteville.fr")
    assert anne.mobile == "+33612345678" and anne.mandates == ["mayor"]
    paul = Official.objects.get(email="paul@petiteville.fr")
    assert paul.channel == "paper"
    chosen = paul.channel_chosen_at
    lea = Official.objects.get(email="lea@grandeville.fr")
    assert lea.sits_on_epci_council and lea.mandates == ["councillor", "delegate"]
    # Re-import: updated, not duplicated; the channel time stays while the channel is unchanged.
    changed = OFFICIALS.replace("Martin;Anne", "Martin-Roy;Anne")
    out, err = run(write(tmp_path, "o2.csv", changed))
    assert err is None
    assert Official.objects.count() == 3
    assert Official.objects.get(email="anne@petiteville.fr").last_name == "Martin-Roy"
    assert Official.objects.get(pk=paul.pk).channel_chosen_at == chosen


@pytest.mark.django_db
def test_officials_rejections_with_reasons(epci, tmp_path):
    run(write(tmp_path, "c.csv", COMMUNES))
    bad = (
        "insee;nom;prénom;courriel;portable\n"
        "67001;A;a;a@x.fr;0612345678\n"
        "99999;B;b;b@x.fr;\n"
        "67001;C;c;a@x.fr;\n"
        "67001;D;d;d@x.fr;12345\n"
        "67001;E;e;pas-une-adresse;\n"
    )
    out, err = run(write(tmp_path, "o.csv", bad))
    assert err is not None
    assert "line 2: ok" in out
    assert "line 3: REJECTED" in out and "commune" in out.lower()
    assert "line 4: REJECTED" in out and "earlier line" in out
    assert "line 5: REJECTED" in out and "phone" in out
    assert "line 6: REJECTED" in out
    assert Official.objects.count() == 0


def test_value_checks():
    assert perimeter_svc.clean_insee("2A004") == "2A004"
    assert perimeter_svc.clean_insee("1053") == "01053"
    for bad in ("00123", "ABCDE", "123456"):
        with pytest.raises(ValueError):
            perimeter_svc.clean_insee(bad)
    assert perimeter_svc.clean_mobile("0033 6 12 34 56 78") == "+33612345678"
    for bad in ("0012", "+33012345678", "06123"):
        with pytest.raises(ValueError):
            perimeter_svc.clean_mobile(bad)


@pytest.mark.django_db
def test_recipient_lists(perimeter, epci):
    from civitas.councils.models import RecipientList

    anne, paul, lea = perimeter["officials"]
    assert set(perimeter_svc.list_members(perimeter["list"])) == {anne, paul}
    by_commune = RecipientList.objects.create(
        epci=epci, name="c", kind="commune", commune=perimeter["big"]
    )
    assert list(perimeter_svc.list_members(by_commune)) == [lea]
    by_mandate = RecipientList.objects.create(epci=epci, name="m", kind="mandate", mandate="mayor")
    assert list(perimeter_svc.list_members(by_mandate)) == [anne]
    custom = RecipientList.objects.create(epci=epci, name="x", kind="custom")
    custom.members.add(paul)
    assert list(perimeter_svc.list_members(custom)) == [paul]
