"""Model change trail: who created, changed or deleted which row, when, and what changed.

django-auditlog writes the entries; this module is the one public way to use it.

- `register(Model, exclude_fields=..., mask_fields=..., m2m_fields=...)`: every create,
  update and delete of a `Model` row through the ORM (``save()``, ``delete()``) leaves an
  entry. Modules list their models in their module description (``change_trail=``, see
  `civitas.core.modules`), which calls this. Queryset ``.update()`` and ``bulk_*`` calls
  bypass it: services that change data a person cares about use ``save()``.
- The actor is set for web requests (``auditlog.middleware.AuditlogMiddleware`` in
  MIDDLEWARE; it sees session logins), for API token calls
  (`civitas.core.auth.ApiTokenAuthentication` calls `note_request_actor`, since DRF
  authenticates after the middlewares ran), and for background jobs by
  `acting_as(user)` or `@job_actor`.
- `trail(objects)` returns the entries about some rows, newest first (for a history page).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterable

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog


def register(
    model,
    *,
    exclude_fields: Iterable[str] = (),
    mask_fields: Iterable[str] = (),
    m2m_fields: Iterable[str] = (),
    include_fields: Iterable[str] = (),
):
    """Keep a change trail of `model` (a model class or an "app_label.Model" string)."""
    if isinstance(model, str):
        from django.apps import apps

        model = apps.get_model(model)
    auditlog.register(
        model,
        include_fields=list(include_fields),
        exclude_fields=list(exclude_fields),
        mask_fields=list(mask_fields),
        m2m_fields=set(m2m_fields),
    )
    return model


def is_registered(model) -> bool:
    return auditlog.contains(model)


# --- Who is acting ----------------------------------------------------------------------


def _current():
    """The live auditlog context of this request or job, if any. auditlog leaves its last
    context in the context variable after the block ends; a context whose receiver is gone
    is stale and ignored."""
    from auditlog.models import LogEntry
    from django.db.models.signals import pre_save
    from django.dispatch.dispatcher import _make_id

    try:
        context = auditlog_value.get()
    except LookupError:
        return None
    duid = context.get("signal_duid")
    if duid is None:
        return None
    key = (duid, _make_id(LogEntry))
    if not any(receiver[0] == key for receiver in pre_save.receivers):
        return None
    return context


@contextlib.contextmanager
def acting_as(user):
    """Entries written inside this block name `user` as the actor (background jobs,
    management commands). Inside a request that already has a context, the actor is
    swapped for the block and restored after it."""
    from django.contrib.auth import get_user_model

    if user is not None and not isinstance(user, get_user_model()):
        user = get_user_model().objects.filter(pk=user).first()
    context = _current()
    if context is not None:
        previous = context.get("actor")
        context["actor"] = user
        try:
            yield
        finally:
            context["actor"] = previous
        return
    token = auditlog_value.set({})
    try:
        with set_actor(user):
            yield
    finally:
        auditlog_value.reset(token)


def note_request_actor(user) -> None:
    """Name `user` as the actor of the current request's entries if none is set yet."""
    context = _current()
    if context is None or user is None or not getattr(user, "is_authenticated", False):
        return
    if context.get("actor") is None:
        context["actor"] = user


def job_actor(func):
    """Decorator for background tasks that receive the id of their `JobProgress` (argument
    ``progress_id`` or ``job_id``) or of their user (``user_id`` or ``actor_id``): the job's
    owner (or that user) is the actor of the entries the task writes."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind_partial(*args, **kwargs).arguments
        user = None
        for name in ("user_id", "actor_id"):
            if bound.get(name):
                user = bound[name]
                break
        if user is None:
            job_id = bound.get("progress_id") or bound.get("job_id")
            if job_id:
                from .models import JobProgress

                user = JobProgress.objects.filter(pk=job_id).values_list("owner", flat=True).first()
        with acting_as(user):
            return func(*args, **kwargs)

    return wrapper


# --- Reading the trail ------------------------------------------------------------------


def trail(objects: Iterable):
    """LogEntry rows about these model instances (any mix of models), newest first. Rows
    deleted since are still found: pass their model and pk as ``(Model, pk)`` pairs."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    by_type: dict[int, set[str]] = {}
    for obj in objects:
        model, pk = obj if isinstance(obj, tuple) else (type(obj), obj.pk)
        ct = ContentType.objects.get_for_model(model)
        by_type.setdefault(ct.pk, set()).add(str(pk))
    if not by_type:
        return LogEntry.objects.none()
    q = Q()
    for ct_id, pks in by_type.items():
        q |= Q(content_type_id=ct_id, object_pk__in=sorted(pks))
    return (
        LogEntry.objects.filter(q)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def linked_pks(model, field: str, value) -> set[str]:
    """Primary keys of `model` rows whose trail shows `field` set to `value` at some point
    (children of a parent, including the ones deleted since)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    ct = ContentType.objects.get_for_model(model)
    q = Q()
    for candidate in {str(value), value} if isinstance(value, int) else {str(value)}:
        q |= Q(**{f"changes__{field}__0": candidate}) | Q(**{f"changes__{field}__1": candidate})
    return set(
        LogEntry.objects.filter(content_type=ct).filter(q).values_list("object_pk", flat=True)
    )


def change_rows(entry) -> list[dict]:
    """What an entry changed, for display: [{"field", "old", "new"}] or, for a many-to-many
    field, [{"field", "added" or "removed": "a, b"}]."""
    from django.core.exceptions import FieldDoesNotExist

    changes = entry.changes_dict or {}
    if not any(isinstance(values, dict) for values in changes.values()):
        try:
            display = entry.changes_display_dict
        except Exception:  # a model or a value that no longer resolves: raw values below
            display = None
        if display is not None:
            return [
                {"field": field, "old": _at(values, 0), "new": _at(values, 1)}
                for field, values in display.items()
            ]
    model = entry.content_type.model_class()
    rows = []
    for name, values in changes.items():
        label = name
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = str(model._meta.get_field(name).verbose_name)
        if isinstance(values, dict):
            objects = ", ".join(str(o) for o in values.get("objects", []))
            key = "removed" if values.get("operation") == "delete" else "added"
            rows.append({"field": label, key: objects})
        else:
            rows.append({"field": label, "old": _at(values, 0), "new": _at(values, 1)})
    return rows


def _at(values, index):
    try:
        return values[index]
    except (IndexError, KeyError, TypeError):
        return ""
