"""The action journal service: the only writer of JournalEntry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models.journal import GENESIS, JournalEntry

# Arbitrary constant key for the PostgreSQL advisory lock serialising the chain.
_ADVISORY_KEY = 0x43495649  # "CIVI"


# What the journal shows for an action code: a sentence in the reader's language. Modules
# declare their labels in their `Module(journal_actions=...)`; core declares its own
# (civitas.core.journal_actions). A family of codes built from a registry (one per exporter)
# has a function giving the label of the rest of the code, or None when it knows no such code.
_action_labels: dict[str, Any] = {}
_action_families: dict[str, tuple[Callable[[str], Any], Callable[[], list[str]]]] = {}

# The actor of an entry written without a person (periodic jobs, commands, tasks).
SYSTEM_ACTOR = "system"
SYSTEM_ACTOR_LABEL = _("Automatic task")


def register_actions(labels: Mapping[str, Any]) -> None:
    """Declare the labels of action codes: {"support.ticket_opened": _("Ticket opened")}."""
    _action_labels.update(labels)


def register_action_family(
    prefix: str, describe: Callable[[str], Any], codes: Callable[[], list[str]] = list
) -> None:
    """Label the codes `prefix` + rest with `describe(rest)` (None: not a known code);
    `codes()` lists the known rests (for the search by label)."""
    _action_families[prefix] = (describe, codes)


def action_label(code: str, default: str | None = None):
    """The label of an action code in the active language; `default` (the code itself when
    not given) when nobody declared one."""
    label = _action_labels.get(code)
    if label is None:
        for prefix, (describe, _codes) in _action_families.items():
            if code.startswith(prefix):
                label = describe(code[len(prefix) :])
                if label is not None:
                    break
    if label is None:
        return code if default is None else default
    return str(label)


def has_action_label(code: str) -> bool:
    return action_label(code, default="") != ""


def actions_labelled(text: str) -> list[str]:
    """The declared action codes whose label, in the active language, contains `text`
    (case-insensitive): the journal's action filter finds "ticket ouvert" too."""
    text = text.casefold().strip()
    if not text:
        return []
    codes = list(_action_labels)
    for prefix, (_describe, known) in _action_families.items():
        codes += [prefix + rest for rest in known()]
    return sorted(c for c in set(codes) if text in action_label(c).casefold())


def actor_label(actor_repr: str, actor_id=None) -> str:
    """Who did it, as the journal shows it: an automatic task rather than "system"."""
    if actor_id is None and actor_repr == SYSTEM_ACTOR:
        return str(SYSTEM_ACTOR_LABEL)
    return actor_repr


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _scope_of(target) -> tuple[str, int | None]:
    if target is None:
        return "", None
    if isinstance(target, tuple):
        scope_type, scope_id = target
        return str(scope_type), int(scope_id)
    try:
        chain = permissions.scope_chain(target)
    except TypeError:
        return "", None
    return (chain[0][0], int(chain[0][1])) if chain else ("", None)


def record(
    action: str,
    *,
    request=None,
    actor=None,
    obj=None,
    details=None,
    object_type="",
    object_id="",
    object_repr="",
    scope=None,
) -> JournalEntry:
    """Append one entry to the hash chain. Safe with several processes writing at once.

    The entry's scope (who may read it) is the most specific scope of `scope` (an object with
    a scope chain, or a `(scope_type, scope_id)` pair), by default of `obj`; an object with no
    scope chain (a user account, a role...) gives an entry only organisation-wide readers see.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:254]
    scope_type, scope_id = _scope_of(obj if scope is None else scope)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        # On SQLite the IMMEDIATE transaction already serialises writers.
        last = JournalEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = JournalEntry(
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_repr=(getattr(actor, "email", "") or str(actor or SYSTEM_ACTOR))[:254],
            ip=client_ip(request),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr,
            details=details or {},
            scope_type=scope_type,
            scope_id=scope_id,
            prev_hash=last or GENESIS,
        )
        # Round-trip the timestamp precision the database keeps (microseconds).
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


def visible_entries(user, queryset=None):
    """The journal entries `user` may read (core.view_journal, by scope)."""
    qs = JournalEntry.objects.all() if queryset is None else queryset
    return permissions.restrict(qs, user, "core.view_journal")


def visible_changes(user, queryset):
    """The model change trail (auditlog entries) as `user` may read it (core.view_journal).

    Organisation-wide readers see every change. The others see the changes of the objects
    that lie in their scopes, for the models that declare their scope
    (`civitas_scope_fields`); changes of accounts, roles and objects since deleted stay with
    organisation-wide readers.
    """
    from auditlog.registry import auditlog
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    visible = permissions.visible_scopes(user, "core.view_journal")
    if visible is None:
        return queryset
    if not visible:
        return queryset.none()
    q = Q(pk__in=[])
    for model in auditlog.get_models():
        declared = hasattr(model, "civitas_scope_fields") or hasattr(model, "civitas_scope_q")
        if not declared or model._meta.pk.get_internal_type() not in _INTEGER_KEYS:
            continue
        ids = model._default_manager.filter(permissions.scope_q(model, visible)).values("pk")
        q |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return queryset.filter(q)


_INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def verify() -> tuple[int, JournalEntry | None, str]:
    """Walk the chain in id order. Returns (entries checked, first bad entry, reason)."""
    prev = GENESIS
    count = 0
    for entry in JournalEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return count, entry, "prev_hash does not match the previous entry"
        if entry.compute_hash() != entry.hash:
            return count, entry, "content does not match its hash"
        prev = entry.hash
        count += 1
    return count, None, ""
