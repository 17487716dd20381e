"""Journal action labels: every action code the sources record has a label, and the screens
and the export show it in the reader's language."""

import ast
import csv
import io
from pathlib import Path

import pytest

import civitas
from civitas.core import journal

SRC = Path(civitas.__file__).parent


def _support_config_codes(verbs):
    from civitas.support.backoffice.configuration import TABLES

    return [f"support.{t.model._meta.model_name}_{v}" for t in TABLES.values() for v in verbs]


def _exporters():
    from civitas.core.exports import registry

    return [f"export.{e.code}" for e in registry.all_exporters()]


def _importers():
    from civitas.core.exports import importing

    return [f"import.{code}" for code in importing._importers]


# The codes an f-string given to journal.record can produce. A new f-string fails the test
# until its codes are listed here (and labelled).
FSTRINGS = {
    "f'events.agendas_{what}'": lambda: [f"events.agendas_{w}" for w in ("pdf", "zip", "mail")],
    "f'events.{kind}_renamed'": lambda: [
        "events.keyword_renamed",
        "events.cooperation_type_renamed",
    ],
    "f'events.{kind}_merged'": lambda: ["events.keyword_merged", "events.cooperation_type_merged"],
    "f\"events.{kind}_{('retired' if retired else 'reinstated')}\"": lambda: [
        f"events.{k}_{v}"
        for k in ("keyword", "cooperation_type")
        for v in ("retired", "reinstated")
    ],
    "f'events.{kind}_validated'": lambda: [
        "events.representative_validated",
        "events.offer_validated",
    ],
    "f'events.{kind}_rejected'": lambda: [
        "events.representative_rejected",
        "events.offer_rejected",
    ],
    "f'events.sales_{action}_saved'": lambda: [
        f"events.sales_{a}_saved" for a in ("settings", "category", "promo")
    ],
    "f'events.{kind}_added'": lambda: [f"events.{k}_added" for k in _item_kinds()],
    "f\"events.meeting_{form.cleaned_data['state']}\"": lambda: [
        "events.meeting_held",
        "events.meeting_no_show",
    ],
    "f'councils.import_{kind}'": lambda: ["councils.import_communes", "councils.import_officials"],
    "f'support.sla_{kind}'": lambda: ["support.sla_warning", "support.sla_escalation"],
    "f\"{action}_{('created' if created else 'changed')}\"": lambda: _support_config_codes(
        ("created", "changed")
    ),
    "f'{action}_deleted'": lambda: _support_config_codes(("deleted",)),
    "f'export.{exporter.code}'": _exporters,
    "f'import.{importer.code}'": _importers,
}


def _item_kinds():
    from civitas.events.backoffice.forms import ITEM_FORMS

    return list(ITEM_FORMS)


def _is_record(node):
    f = node.func
    return (
        isinstance(node, ast.Call)
        and isinstance(f, ast.Attribute)
        and f.attr == "record"
        and isinstance(f.value, ast.Name)
        and f.value.id == "journal"
    )


def _recorded_codes():
    """(codes, f-strings met, problems) over every journal.record(...) call in src."""
    codes, fstrings, problems = set(), set(), []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            # Codes held by a variable: `journal_action = "events.api_companies_read"` and
            # defaults of a parameter `journal_action` (outbox.create_mailing).
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "journal_action" for t in node.targets)
                and isinstance(node.value, ast.Constant)
                and node.value.value
            ):
                codes.add(node.value.value)
            if isinstance(node, ast.FunctionDef):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults))
                defaults += node.args.defaults + node.args.kw_defaults
                for arg, default in zip(args, defaults, strict=True):
                    if arg.arg == "journal_action" and isinstance(default, ast.Constant):
                        codes.add(default.value)
            if not (isinstance(node, ast.Call) and _is_record(node)):
                continue
            first = node.args[0]
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            values = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for value in values:
                if isinstance(value, ast.Constant):
                    codes.add(value.value)
                elif isinstance(value, ast.JoinedStr):
                    fstrings.add(ast.unparse(value))
                elif not (
                    isinstance(value, ast.Name | ast.Attribute)
                    and "journal_action" in ast.unparse(value)
                ):
                    problems.append(f"{where}: {ast.unparse(value)}")
    return codes, fstrings, problems


def test_every_recorded_action_code_has_a_label():
    codes, fstrings, problems = _recorded_codes()
    assert not problems, "action codes the test cannot read: " + ", ".join(problems)
    unknown = sorted(fstrings - set(FSTRINGS))
    assert not unknown, f"list the codes of these f-strings in FSTRINGS: {unknown}"
    assert not sorted(set(FSTRINGS) - fstrings), "FSTRINGS lists f-strings no longer used"
    for fstring in fstrings:
        codes.update(FSTRINGS[fstring]())
    assert len(codes) > 200  # the scan found the calls (it is not reading an empty tree)
    missing = sorted(c for c in codes if not journal.has_action_label(c))
    assert not missing, f"action codes without a label: {missing}"


def test_label_in_the_active_language_and_fallbacks():
    from django.utils import translation

    with translation.override("fr"):
        assert journal.action_label("support.ticket_opened") == "Demande de support ouverte"
        assert journal.action_label("export.core.journal") == "Export : Journal des actions"
        assert journal.actor_label("system") == "Tâche automatique"
    with translation.override("en"):
        assert journal.action_label("support.ticket_opened") == "Ticket opened"
        assert journal.actor_label("system") == "Automatic task"
    assert journal.action_label("test.undeclared") == "test.undeclared"
    assert journal.actor_label("system", actor_id=7) == "system"  # an account named so


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "label", "actor"),
    [
        ("fr", "Demande de support ouverte", "Tâche automatique"),
        ("en", "Ticket opened", "Automatic task"),
    ],
)
def test_home_and_journal_screens_show_labels(client_for, lang, label, actor):
    journal.record("support.ticket_opened")
    journal.record("test.undeclared")
    client = client_for("principal", lang=lang)
    for url in ("/backoffice/", "/backoffice/journal/"):
        html = client.get(url).content.decode()
        assert label in html, url
        assert actor in html and ">system<" not in html, url
        assert "test.undeclared" in html, url  # no label: the code
    assert "support.ticket_opened" not in client.get("/backoffice/").content.decode()


@pytest.mark.django_db
def test_journal_filter_finds_a_label(client_for):
    journal.record("support.ticket_opened")
    journal.record("admin.unit_created")
    html = client_for("principal").get("/backoffice/journal/", {"action": "support ouv"})
    assert "Demande de support ouverte" in html.content.decode()
    assert "Unité créée" not in html.content.decode()


@pytest.mark.django_db
def test_journal_export_has_the_code_and_the_label(client_for):
    journal.record("support.ticket_opened")
    response = client_for("principal", lang="en").get(
        "/backoffice/exports/telecharger/", {"exporter": "core.journal", "format": "csv"}
    )
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert (rows[0][4], rows[0][-1]) == ("Action", "Action (label)")
    assert ("support.ticket_opened", "Ticket opened") in [(r[4], r[-1]) for r in rows[1:]]
