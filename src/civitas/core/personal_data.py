"""Personal data held by the platform core and the third-party apps it installs.

Read by civitas.core.gdpr.registry.autodiscover() at start-up. See docs/admin/gdpr.md.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r

r.register_category("change_history", _("Change history (who changed what)"))


def _by_user(field="user"):
    return r.user_fk_filter(field)


# --- Civitas core ----------------------------------------------------------------------


r.register(
    "core.User",
    category="identity",
    person_fields=["email", "full_name", "phone", "language", "last_login", "date_joined"],
    subject_filter=r.person_filter(user_field="pk"),
    erase="delete",
    secret_fields=["password"],
    rectify_fields=["email", "full_name", "phone", "language"],
    order=1000,  # the account goes last: other rows are selected through it
)
r.register(
    "core.RoleAssignment",
    category="account",
    person_fields=["user", "scope_type", "scope_id", "created_at"],
    subject_filter=_by_user("user"),
    erase="delete",
)
r.register(
    "core.JobProgress",
    category="documents",
    person_fields=["owner", "label", "result_file"],
    subject_filter=_by_user("owner"),
    erase="delete",
    retention_field="created_at",
)


r.register(
    "core.JournalEntry",
    category="legal_record",
    person_fields=["actor_id", "actor_repr", "ip"],
    subject_filter=r.person_filter("actor_repr", "actor_id"),
    rectify_fields=[],
    erase="keep",
    keep_reason=_(
        "The action journal is a tamper-evident legal record (hash chain): it is kept as is."
    ),
)


r.register(
    "core.LoginEvent",
    category="connection",
    person_fields=["user_id", "identifier", "ip", "user_agent"],
    subject_filter=r.person_filter("identifier", "user_id"),
    rectify_fields=[],
    erase="delete",
    retention_field="created_at",
)
r.exempt(
    "core.Organisation",
    "backoffice_ip_allowlist lists the organisation's networks, not people's addresses",
)

# --- Django --------------------------------------------------------------------------

r.register_user_links("admin.LogEntry", category="change_history", retention_field="action_time")


def _session_filter(email, user):
    if user is None:
        return Q(pk__in=[])
    from allauth.usersessions.models import UserSession

    keys = UserSession.objects.filter(user=user).values("session_key")
    return Q(session_key__in=keys)


r.register(
    "sessions.Session",
    category="connection",
    person_fields=["session_key", "expire_date"],
    subject_filter=_session_filter,
    rectify_fields=[],
    erase="delete",
    secret_fields=["session_key", "session_data"],
    retention_field="expire_date",
)

# --- Accounts (allauth, axes, auditlog, DRF) --------------------------------------------

r.register(
    "account.EmailAddress",
    category="identity",
    person_fields=["user", "email", "verified", "primary"],
    subject_filter=r.person_filter("email", "user"),
    erase="delete",
)
r.register(
    "mfa.Authenticator",
    category="account",
    person_fields=["user", "type", "created_at", "last_used_at"],
    subject_filter=_by_user("user"),
    erase="delete",
    secret_fields=["data"],
)
r.register(
    "usersessions.UserSession",
    category="connection",
    person_fields=["user", "ip", "user_agent", "created_at", "last_seen_at"],
    subject_filter=_by_user("user"),
    rectify_fields=[],
    erase="delete",
    secret_fields=["session_key", "data"],
    retention_field="last_seen_at",
)
for _axes_model in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
    r.register(
        _axes_model,
        category="connection",
        person_fields=["username", "ip_address", "user_agent", "attempt_time"],
        subject_filter=r.person_filter("username"),
        rectify_fields=[],
        erase="delete",
        retention_field="attempt_time",
    )
r.register(
    "core.ApiToken",
    category="account",
    person_fields=["user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"],
    subject_filter=_by_user("user"),
    erase="delete",
    secret_fields=["key_hash"],
)
r.register(
    "core.SecondFactorThrottle",
    category="connection",
    person_fields=["user", "failures", "first_failure_at", "locked_until"],
    subject_filter=_by_user("user"),
    rectify_fields=[],
    erase="delete",
)
r.register(
    "authtoken.Token",
    category="account",
    person_fields=["user", "created"],
    subject_filter=_by_user("user"),
    erase="delete",
    secret_fields=["key"],
)


def _subject_rows(email, user) -> dict[int, set[str]]:
    """{content type id: {pk, ...}} of the rows holding the person's data in models that keep
    a change trail: their entries hold the person's former values (a representative's old
    address), so they are found and emptied with the rest."""
    from django.contrib.contenttypes.models import ContentType

    from civitas.core import audit

    rows: dict[int, set[str]] = {}
    for decl in r.declarations():
        if decl.label == "auditlog.LogEntry" or not audit.is_registered(decl.model):
            continue
        pks = decl.queryset(email, user).values_list("pk", flat=True)
        found = {str(pk) for pk in pks}
        if found:
            ct = ContentType.objects.get_for_model(decl.model)
            rows.setdefault(ct.pk, set()).update(found)
    return rows


def _auditlog_filter(email, user):
    q = Q(actor_email__iexact=email) if email else Q(pk__in=[])
    if user is not None:
        q |= Q(actor=user)
    for ct_id, pks in _subject_rows(email, user).items():
        q |= Q(content_type_id=ct_id, object_pk__in=sorted(pks))
    return q


_rows_cache: dict[int, tuple[object, dict]] = {}


def _is_about_subject(entry, subject) -> bool:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_by_natural_key(*settings.AUTH_USER_MODEL.lower().split("."))
    if entry.content_type_id == ct.pk:
        return True
    if subject is None:
        return False
    # One look-up per erasure (the subject object), not one per entry. The rows are read
    # before anything is anonymised: this declaration comes first (order=10).
    cached = _rows_cache.get(id(subject))
    if cached is None or cached[0] is not subject:
        _rows_cache.clear()
        cached = (subject, _subject_rows(subject.email, subject.user))
        _rows_cache[id(subject)] = cached
    return entry.object_pk in cached[1].get(entry.content_type_id, ())


def _if_about_a_user(neutral, field):
    """Entries about the person (their account, or a row holding their data) lose their
    content; entries the person only authored keep the change they describe (it is about
    something else)."""

    def value(entry, subject=None):
        return neutral if _is_about_subject(entry, subject) else getattr(entry, field)

    return value


r.register(
    "auditlog.LogEntry",
    category="change_history",
    person_fields=["actor", "actor_email", "remote_addr", "remote_port", "object_repr", "changes"],
    subject_filter=_auditlog_filter,
    rectify_fields=[],
    erase="anonymise",
    anonymise={
        "actor": None,
        "actor_email": None,
        "remote_addr": None,
        "remote_port": None,
        "object_repr": _if_about_a_user("—", "object_repr"),
        "changes": _if_about_a_user(None, "changes"),
        "changes_text": _if_about_a_user("", "changes_text"),
        "serialized_data": _if_about_a_user(None, "serialized_data"),
    },
    retention_field="timestamp",
    order=10,  # before the rows it describes are anonymised (see _is_about_subject)
)

# --- Wagtail (content editors) -----------------------------------------------------------

r.register_user_links("wagtailusers.UserProfile", category="account")
r.register_user_links("wagtailcore.Page", category="content")
r.register_user_links("wagtailcore.Revision", category="content")
r.register_user_links("wagtailcore.ModelLogEntry", category="change_history")
r.register_user_links("wagtailcore.PageLogEntry", category="change_history")
r.register_user_links("wagtailcore.Comment", category="content")
r.register_user_links("wagtailcore.CommentReply", category="content")
r.register_user_links("wagtailcore.PageSubscription", category="account")
r.register_user_links("wagtailcore.WorkflowState", category="content")
r.register_user_links("wagtailcore.TaskState", category="content")
r.register_user_links("wagtailcore.UploadedFile", category="documents")
r.register_user_links("wagtaildocs.Document", category="documents")
r.register_user_links("wagtailimages.Image", category="documents")
r.register_user_links("wagtailadmin.EditingSession", category="connection")
r.register_user_links("wagtailadmin.FormState", category="content")
r.exempt(
    "wagtailembeds.Embed",
    "author_name is the public author of an embedded media (oEmbed cache), not a user",
)


r.register(
    "account.EmailConfirmation",
    category="account",
    person_fields=["email_address", "created", "sent"],
    subject_filter=r.person_filter("email_address__email", "email_address__user"),
    erase="delete",
    secret_fields=["key"],
    order=50,
)
