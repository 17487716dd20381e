import pytest
from django.urls import reverse

from civitas.core.gdpr.models import ProcessingActivity
from civitas.core.models import JournalEntry, Organisation, Role, RoleAssignment

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Support aux usagers",
    "module": "support",
    "controller": "Mairie, DPO dpo@example.org",
    "purpose": "Répondre aux demandes d'assistance",
    "legal_basis": "public_task",
    "data_subjects": "Usagers",
    "data_categories": "Identité, coordonnées, contenu des demandes",
    "recipients": "Agents du support",
    "transfers_outside_eu": "",
    "retention": "2 ans",
    "security_measures": "Accès par rôle",
}


def test_seeded_entries_exist(db):
    names = set(ProcessingActivity.objects.values_list("module", flat=True))
    assert {"core", "events"} <= names


def test_crud_with_permission(client_for):
    client = client_for("principal")
    assert client.get(reverse("gdpr:register")).status_code == 200
    response = client.post(reverse("gdpr:register_create"), DATA)
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(name="Support aux usagers")
    edit = reverse("gdpr:register_edit", args=[activity.pk])
    response = client.post(edit, {**DATA, "retention": "3 ans"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.retention == "3 ans"
    printed = client.get(reverse("gdpr:register_print"))
    assert "Support aux usagers" in printed.content.decode()
    assert "3 ans" in printed.content.decode()
    client.post(reverse("gdpr:register_delete", args=[activity.pk]))
    assert not ProcessingActivity.objects.filter(pk=activity.pk).exists()
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"gdpr.register_created", "gdpr.register_changed", "gdpr.register_deleted"} <= actions


def test_invalid_entry_keeps_input(client_for):
    response = client_for("principal").post(
        reverse("gdpr:register_create"), {**DATA, "legal_basis": "", "purpose": "Gardé"}
    )
    assert response.status_code == 200
    assert "Gardé" in response.content.decode()
    assert not ProcessingActivity.objects.filter(name="Support aux usagers").exists()


def test_register_needs_its_permission(client_for, users):
    assert client_for("secondary").get(reverse("gdpr:register")).status_code == 403
    assert client_for("secondary").post(reverse("gdpr:register_create"), DATA).status_code == 403
    role = Role.objects.create(
        code="dpo", name="DPO", permissions=["core.access_backoffice", "gdpr.manage_register"]
    )
    RoleAssignment.objects.create(user=users["participant"], role=role)
    Organisation.objects.filter(pk=1).update(mfa_required_backoffice=False)
    client = client_for("participant")
    assert client.post(reverse("gdpr:register_create"), DATA).status_code == 302
    # the register permission does not open the person tools
    assert client.get(reverse("gdpr:home")).status_code == 403
