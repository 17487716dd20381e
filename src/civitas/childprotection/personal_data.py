"""Personal data held by the child protection module (read by civitas.core.gdpr.registry).

The children, their families and reporters are not account holders: their rights (access
to the file, rectification) are exercised with the département under the CASF and are
handled by the CRIP, and their data are removed by the retention purge
(`childprotection.retention_purge`), never by an account erasure. Only the staff's links
to their own actions are erased with their account.
"""

from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r

_CASF = _(
    "Child welfare file data (CASF L226-3): not linked to platform accounts; rights are "
    "exercised with the CRIP and the data leave with the legal retention purge."
)
for model in (
    "childprotection.Child",
    "childprotection.Person",
    "childprotection.Reporter",
    "childprotection.ReporterRequest",
    "childprotection.OlinpeIdentifier",
):
    r.exempt(model, _CASF)
r.register_user_links("childprotection.File", category="content")
r.register_user_links("childprotection.Letter", category="content")
r.register_user_links("childprotection.BreakGlass", category="change_history")
r.exempt(
    "childprotection.Commune",
    _("The INSEE table of communes and postal codes: reference data, not a person's."),
)
