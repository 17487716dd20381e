"""Incremental sync for the CRM: modification dates and deletion tombstones.

Company, Representative, Offer, MeetingRequest and Meeting carry `updated_at` (auto_now),
set by `Model.save()`. A queryset `.update()` leaves it alone: a service that changes these
rows with `.update()` and wants the CRM to see the change passes `updated_at` itself.

Deletions leave a `DeletedRecord` (type, id, date), written by the post_delete receivers
below, whatever deleted the row (a service, a cascade, the admin). The tombstones of an
event are removed when the event itself is deleted.
"""

from __future__ import annotations

from django.db.models.signals import post_delete

from ..models import (
    Company,
    DeletedRecord,
    Event,
    Meeting,
    MeetingRequest,
    Offer,
    Representative,
)

Kind = DeletedRecord.Kind

# model -> (tombstone kind, function giving the event id from an instance being deleted)
TRACKED = {
    Company: (Kind.COMPANY, lambda o: o.event_id),
    Representative: (Kind.CONTACT, lambda o: _company_event(o.company_id)),
    Offer: (Kind.OFFER, lambda o: _company_event(o.company_id)),
    MeetingRequest: (Kind.REQUEST, lambda o: o.event_id),
    Meeting: (Kind.MEETING, lambda o: o.event_id),
}


def _company_event(company_id):
    # The company may already be gone in a cascade: its id is then looked up in the
    # tombstones written a moment ago, or the row is skipped.
    event_id = Company.objects.filter(pk=company_id).values_list("event_id", flat=True).first()
    if event_id is None:
        event_id = (
            DeletedRecord.objects.filter(kind=Kind.COMPANY, object_id=company_id)
            .values_list("event_id", flat=True)
            .last()
        )
    return event_id


def _deleted(sender, instance, **kwargs):
    kind, event_of = TRACKED[sender]
    event_id = event_of(instance)
    if event_id is None or not Event.objects.filter(pk=event_id).exists():
        return  # the whole event is going: nothing to tell about its parts
    DeletedRecord.objects.create(event_id=event_id, kind=kind, object_id=instance.pk)


def _event_deleted(sender, instance, **kwargs):
    DeletedRecord.objects.filter(event_id=instance.pk).delete()


def connect():
    for model in TRACKED:
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"events.sync.{model.__name__}")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="events.sync.Event")
