"""What the action journal shows for the action codes the child protection module records."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "childprotection.file_created": _("Child protection file created"),
    "childprotection.file_updated": _("Child protection file changed"),
    "childprotection.file_closed": _("Child protection file closed"),
    "childprotection.file_deleted": _("Child protection file deleted"),
    "childprotection.file_read": _("Child protection file consulted"),
    "childprotection.break_glass": _("Child protection file opened by exceptional access"),
    "childprotection.assignment_saved": _("Child protection file assigned"),
    "childprotection.letter_generated": _("Letter generated"),
    "childprotection.files_exported": _("Child protection files exported"),
    "childprotection.consultations_exported": _("File consultations exported"),
    "childprotection.api_search": _("API: child protection files searched"),
    "childprotection.imported": _("Child protection files imported"),
    "childprotection.olinpe_extracted": _("OLINPE extraction made"),
    "childprotection.purged": _("Old child protection files purged"),
}
