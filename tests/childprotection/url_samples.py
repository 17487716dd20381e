"""Sample URL arguments for tests/core/test_url_matrix.py."""


def url_samples():
    import datetime as dt

    from django.utils import timezone

    from civitas.childprotection.models import (
        Assignment,
        Channel,
        Child,
        File,
        ReporterRequest,
        Service,
    )
    from civitas.core.models import Unit

    territory = Unit.objects.create(name="Matrix territory", kind="territory")
    file = File.objects.create(
        number="IP-MATRIX-1", received_at=timezone.now(), territory=territory
    )
    child = Child.objects.create(file=file, last_name="Matrix", first_name="Léa")
    assignment = Assignment.objects.create(
        file=file, service=Service.objects.first(), task="Évaluer", assigned_on=dt.date.today()
    )
    req = ReporterRequest.objects.create(
        file=file, received_on=dt.date.today(), due_on=dt.date.today()
    )
    from civitas.childprotection.models import Letter

    letter = Letter.objects.create(
        file=file, code="cloture", name="Clôture", file_name="c.docx", content="eA=="
    )
    return {
        "childprotection:letters": {"pk": file.pk},
        "childprotection:letter_download": {"pk": file.pk, "letter_pk": letter.pk},
        "childprotection:file_detail": {"pk": file.pk},
        "childprotection:api_file": {"pk": file.pk},
        "childprotection:api_file_break_glass": {"pk": file.pk},
        "childprotection:file_edit": {"pk": file.pk},
        "childprotection:file_delete": {"pk": file.pk},
        "childprotection:break_glass": {"pk": file.pk},
        "childprotection:child_edit": {"pk": file.pk, "child_pk": child.pk},
        "childprotection:assignment_new": {"pk": file.pk},
        "childprotection:assignment_edit": {"pk": file.pk, "assignment_pk": assignment.pk},
        "childprotection:reporter_request_new": {"pk": file.pk},
        "childprotection:reporter_request_edit": {"pk": file.pk, "request_pk": req.pk},
        "childprotection:parameter_list": {"table": "dangertype"},
        "childprotection:parameter_new": {"table": "dangertype"},
        "childprotection:parameter_edit": {"table": "channel", "pk": Channel.objects.first().pk},
    }
