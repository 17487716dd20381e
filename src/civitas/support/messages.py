"""Outbox messages of the support desk (editable by administrators). The subject carries
the ticket's signed reference ``[S-2027-00001#token]``: a reply by e-mail keeps it, and the
inbound endpoint files the reply in that ticket."""

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "name": _("Name"),
    "ticket": _("Ticket reference (keep it in replies)"),
    "subject": _("Ticket subject"),
    "text": _("Message text"),
    "state": _("Ticket state"),
    "link": _("Link to the ticket"),
}

REPORT_PLACEHOLDERS = {
    "name": _("Name"),
    "structure": _("Customer structure"),
    "quarter": _("Quarter (1 to 4)"),
    "year": _("Year"),
}


def register_templates():
    from civitas.core.outbox import templates

    templates.register(
        "support.ticket_opened",
        _("Support: ticket opened"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "[{{ ticket }}] Demande enregistrée : {{ subject }}",
            "en": "[{{ ticket }}] Request recorded: {{ subject }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nVotre demande « {{ subject }} » est enregistrée. "
            "Vous pouvez répondre à ce message pour la compléter.\n\n{{ link }}",
            "en": 'Hello {{ name }},\n\nYour request "{{ subject }}" is recorded. '
            "You may reply to this message to add to it.\n\n{{ link }}",
        },
    )
    templates.register(
        "support.ticket_answered",
        _("Support: answer to a ticket"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "[{{ ticket }}] Réponse à votre demande : {{ subject }}",
            "en": "[{{ ticket }}] Answer to your request: {{ subject }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\n{{ text }}\n\nÉtat de la demande : {{ state }}\n"
            "Répondez à ce message ou suivez la demande sur le portail :\n{{ link }}",
            "en": "Hello {{ name }},\n\n{{ text }}\n\nState of the request: {{ state }}\n"
            "Reply to this message or follow the request on the portal:\n{{ link }}",
        },
    )
    templates.register(
        "support.customer_message",
        _("Support: customer message to the agents"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "[{{ ticket }}] Message du client : {{ subject }}",
            "en": "[{{ ticket }}] Customer message: {{ subject }}",
        },
        default_body={
            "fr": "{{ name }} a écrit :\n\n{{ text }}\n\n{{ link }}",
            "en": "{{ name }} wrote:\n\n{{ text }}\n\n{{ link }}",
        },
    )
    templates.register(
        "support.level_lowered",
        _("Support: level 0 lowered"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "[{{ ticket }}] Votre demande n'est plus classée bloquante",
            "en": "[{{ ticket }}] Your request is no longer classed as blocking",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nLa demande « {{ subject }} » a été requalifiée : "
            "{{ state }}.\nMotif : {{ text }}\n\n{{ link }}",
            "en": 'Hello {{ name }},\n\nThe request "{{ subject }}" was requalified: '
            "{{ state }}.\nReason: {{ text }}\n\n{{ link }}",
        },
    )
    templates.register(
        "support.deadline_alert",
        _("Support: deadline about to lapse"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "[{{ ticket }}] Échéance proche : {{ subject }}",
            "en": "[{{ ticket }}] Deadline close: {{ subject }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\n{{ text }}\n\n{{ link }}",
            "en": "Hello {{ name }},\n\n{{ text }}\n\n{{ link }}",
        },
    )
    templates.register(
        "support.satisfaction",
        _("Support: satisfaction question"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "[{{ ticket }}] Êtes-vous satisfait ? {{ subject }}",
            "en": "[{{ ticket }}] Are you satisfied? {{ subject }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nVotre demande « {{ subject }} » est à l’état "
            "« {{ state }} ». Dites-nous en un clic si vous êtes satisfait de son traitement "
            "(une seule réponse) :\n{{ link }}",
            "en": 'Hello {{ name }},\n\nYour request "{{ subject }}" is now "{{ state }}". '
            "Tell us in one click whether you are satisfied with how it was handled "
            "(one answer):\n{{ link }}",
        },
    )
    templates.register(
        "support.quarter_report",
        _("Support: quarter report of the structure"),
        placeholders=REPORT_PLACEHOLDERS,
        default_subject={
            "fr": "Rapport d'assistance, trimestre {{ quarter }} de {{ year }} : {{ structure }}",
            "en": "Support report, quarter {{ quarter }} of {{ year }}: {{ structure }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nVous trouverez ci-joint le rapport d'activité et de "
            "respect des délais du support pour {{ structure }}, trimestre {{ quarter }} de "
            "{{ year }} : demandes ouvertes, délais tenus par niveau, volumes par service et "
            "par produit, satisfaction.\n\nVous le recevez en tant que correspondant de la "
            "structure destinataire des rapports.",
            "en": "Hello {{ name }},\n\nPlease find attached the support activity and SLA "
            "report of {{ structure }} for quarter {{ quarter }} of {{ year }}: tickets "
            "opened, deadlines met per level, volumes per service and product, "
            "satisfaction.\n\nYou receive it as a correspondent of the structure named to "
            "receive the reports.",
        },
    )
