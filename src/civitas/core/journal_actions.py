"""What the action journal shows for the action codes core records (its own and those of its
services: outbox, exports, documents, GDPR, backups, billing). Modules declare theirs in
their `Module(journal_actions=...)`."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    # Administration
    "admin.organisation_saved": _("Organisation settings saved"),
    "admin.role_assigned": _("Role granted"),
    "admin.role_revoked": _("Role withdrawn"),
    "admin.role_saved": _("Role saved"),
    "admin.roles_synchronised": _("Suggested roles updated"),
    "admin.unit_created": _("Unit created"),
    "admin.user_created": _("User account created"),
    "admin.user_invited": _("User invited"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "auth.second_factor_blocked": _("Second factor blocked after failed attempts"),
    "purge.login_journal": _("Old login journal entries purged"),
    # Backups and availability
    "backup.create": _("Backup made"),
    "backup.delete": _("Backup deleted"),
    "backup.prune": _("Old backups deleted"),
    "backup.requested": _("Backup requested"),
    "backup.restore": _("Backup restored"),
    "export.service_report": _("Service report downloaded"),
    "probe.alert_down": _("Availability alert: site unreachable"),
    "probe.alert_up": _("Availability alert: site reachable again"),
    # Billing
    "billing.invoice_downloaded": _("Invoice downloaded"),
    "billing.payment_marked_paid": _("Payment marked as received"),
    "billing.payment_notice_refused": _("Payment notification refused"),
    "billing.payment_refunded": _("Payment refunded"),
    "billing.seller_saved": _("Seller saved"),
    # Documents
    "documents.generated": _("Documents generated"),
    "documents.template_deleted": _("Document template deleted"),
    "documents.template_uploaded": _("Document template uploaded"),
    # Exports and imports (each exporter and importer: see register_families)
    "exports.schedule_created": _("Scheduled export created"),
    "exports.schedule_deleted": _("Scheduled export deleted"),
    "exports.report_created": _("Report saved"),
    "exports.report_changed": _("Report changed"),
    "exports.report_deleted": _("Report deleted"),
    # Personal data
    "gdpr.breach_alert": _("Data breach: deadline reminder sent"),
    "gdpr.breach_changed": _("Data breach updated"),
    "gdpr.breach_closed": _("Data breach closed"),
    "gdpr.breach_cnil_notified": _("Data breach notified to the CNIL"),
    "gdpr.breach_cnil_prepared": _("Data breach: CNIL notification prepared"),
    "gdpr.breach_dpo_notified": _("Data breach: data protection officer informed"),
    "gdpr.breach_people_informed": _("Data breach: people concerned informed"),
    "gdpr.breach_recorded": _("Data breach recorded"),
    "gdpr.erase": _("Personal data erased"),
    "gdpr.export_all": _("Complete data export made"),
    "gdpr.export_all_requested": _("Complete data export requested"),
    "gdpr.export_subject": _("Personal data of a person exported"),
    "gdpr.notice_changed": _("Privacy notice changed"),
    "gdpr.person_viewed": _("Personal data of a person consulted"),
    "gdpr.purge": _("Retention purge done"),
    "gdpr.rectify": _("Personal data rectified"),
    "gdpr.register_changed": _("Processing register: activity changed"),
    "gdpr.register_created": _("Processing register: activity added"),
    "gdpr.register_deleted": _("Processing register: activity deleted"),
    "gdpr.retention_changed": _("Retention periods changed"),
    # Outbox
    "outbox.mailing_sent": _("Mailing sent"),
    "outbox.message_resent": _("Message sent again"),
    "outbox.message_viewed": _("Sent message consulted"),
    "outbox.template_reset": _("Message template reset"),
    "outbox.template_saved": _("Message template saved"),
}


def _exporter_label(code: str):
    from civitas.core.exports import registry

    try:
        exporter = registry.get(code)
    except LookupError:
        return None
    return _("Export: %(what)s") % {"what": exporter.label}


def _importer_label(code: str):
    from civitas.core.exports import importing

    try:
        importer = importing.get_importer(code)
    except LookupError:
        return None
    return _("Import: %(what)s") % {"what": importer.label}


def _exporter_codes() -> list[str]:
    from civitas.core.exports import registry

    return [e.code for e in registry.all_exporters()]


def _importer_codes() -> list[str]:
    from civitas.core.exports import importing

    return sorted(importing._importers)


def register_families():
    """`export.<exporter code>` and `import.<importer code>`: one code per exporter and
    importer, labelled with the exporter's or importer's own label."""
    from civitas.core import journal

    journal.register_action_family("export.", _exporter_label, _exporter_codes)
    journal.register_action_family("import.", _importer_label, _importer_codes)
