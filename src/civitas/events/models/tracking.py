"""Modification dates the CRM sync relies on (see services/sync.py).

`Tracked` models carry `updated_at` and keep it right whatever path changes a row:
`save()` sets it (auto_now), also when called with `update_fields`, and a queryset
`.update()` (or `bulk_update()`) sets it too unless told otherwise, including through
the base manager that Django and core services (GDPR anonymisation) use.
"""

from __future__ import annotations

from django.db import models
from django.db.models.signals import class_prepared
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrackedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)

    update.alters_data = True


class Tracked(models.Model):
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None and "updated_at" not in update_fields:
            update_fields = [*update_fields, "updated_at"]
        return super().save(*args, update_fields=update_fields, **kwargs)


def _tracked_base_manager(sender, **kwargs):
    if issubclass(sender, Tracked) and not sender._meta.abstract:
        sender._meta.base_manager_name = "objects"


class_prepared.connect(_tracked_base_manager, dispatch_uid="events.tracked_base_manager")
