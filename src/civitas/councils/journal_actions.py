"""What the action journal shows for the action codes the councils module records."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "councils.list_created": _("Recipient list created"),
    "councils.channel_changed": _("Sending channel of an elected official changed"),
    "councils.sitting_created": _("Sitting created"),
    "councils.document_uploaded": _("Council document added"),
    "councils.document_deleted": _("Council document deleted"),
    "councils.sent": _("Council documents sent"),
    "councils.paper_sent": _("Paper sending recorded"),
    "councils.proof_sealed": _("Proof of sending sealed"),
    "councils.proof_verified": _("Proof of sending verified"),
    "councils.certificate": _("Certificate of sending printed"),
    "councils.traces_exported": _("Sending traces exported"),
    "councils.purged": _("Old council documents purged"),
    "councils.import_communes": _("Communes imported"),
    "councils.import_officials": _("Elected officials imported"),
}
