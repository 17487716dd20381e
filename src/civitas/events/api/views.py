"""Events API (read-only): public events and catalogue; CRM interface scoped per event.

Access: every view declares `civitas_permission` (checked by DenyUndeclared on any scope);
CRM views then check the permission on the event itself, so a secondary administrator with
a role on event A gets 404 on event B, and the CRM event list only holds their events.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.generics import ListAPIView, RetrieveAPIView

from civitas.core import journal, permissions

from ..models import SCOPE_EVENT, Company, Event, Meeting, Offer, Representative
from ..services import catalogue
from . import serializers as s

CRM_PERMISSION = "events.view_registrations"

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description=(
        "ISO 8601 date-time (e.g. 2027-03-01T08:00:00+01:00). The models carry no "
        "modification date: this keeps records created (companies: or validated) since then."
    ),
)


def published_events():
    return Event.objects.filter(is_published=True)


def public_event(slug) -> Event:
    event = published_events().filter(slug=slug).first()
    if event is None:
        raise NotFound(_("No published event with the short name %(slug)s.") % {"slug": slug})
    return event


def offers_prefetch():
    return Prefetch(
        "offers",
        queryset=Offer.objects.select_related("cooperation_type").prefetch_related(
            "keywords", "key_figures"
        ),
    )


def parse_since(request):
    raw = request.query_params.get("updated_since")
    if raw is None or raw == "":
        return None
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise ParseError(
            _(
                "updated_since must be an ISO 8601 date-time such as 2027-03-01T08:00:00+01:00, "
                "not %(value)r."
            )
            % {"value": raw}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- Public ------------------------------------------------------------------------


@extend_schema(tags=["events"], summary="Published events")
class EventListView(ListAPIView):
    civitas_permission = "public"
    serializer_class = s.EventSerializer

    def get_queryset(self):
        return published_events().order_by("start_date", "name")


@extend_schema(tags=["events"], summary="One published event")
class EventDetailView(RetrieveAPIView):
    civitas_permission = "public"
    serializer_class = s.EventSerializer

    def get_object(self):
        return public_event(self.kwargs["slug"])


@extend_schema(
    tags=["events"],
    summary="Public catalogue of an event",
    parameters=[
        OpenApiParameter(
            "q",
            str,
            description=(
                "Words searched, accent- and case-insensitive (all must match); on "
                "PostgreSQL French stemming and prefixes, results by relevance."
            ),
        ),
        OpenApiParameter("sector", int, description="Sector id."),
    ],
)
class CatalogueView(ListAPIView):
    """Validated companies with only the fields the event made public."""

    civitas_permission = "public"
    serializer_class = s.PublicCompanySerializer

    def get_event(self):
        if not hasattr(self, "_event"):
            self._event = public_event(self.kwargs["slug"])
        return self._event

    def get_queryset(self):
        event = self.get_event()
        params = self.request.query_params
        qs = catalogue.public_companies(event, params.get("q", ""), params.get("sector", ""))
        # The service's order: by relevance when searching (PostgreSQL), else by name.
        return qs.select_related("sector").prefetch_related(offers_prefetch())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "event": self.get_event()}


# --- CRM -----------------------------------------------------------------------------


@extend_schema(tags=["crm"], summary="Events whose registrations you may read")
class CrmEventListView(ListAPIView):
    civitas_permission = CRM_PERMISSION
    serializer_class = s.CrmEventSerializer

    def get_queryset(self):
        qs = Event.objects.order_by("start_date", "name")
        ids = permissions.scope_ids(self.request.user, CRM_PERMISSION, SCOPE_EVENT)
        return qs if ids is None else qs.filter(pk__in=ids)


class CrmMixin:
    civitas_permission = CRM_PERMISSION
    journal_action = ""

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            event = Event.objects.filter(slug=self.kwargs["slug"]).first()
            # Out of scope looks like absent: nothing is revealed about other events.
            if event is None or not permissions.has_perm(self.request.user, CRM_PERMISSION, event):
                raise NotFound(
                    _("No event with the short name %(slug)s among the events you manage.")
                    % {"slug": self.kwargs["slug"]}
                )
            self._event = event
        return self._event

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        journal.record(
            self.journal_action,
            request=request,
            obj=self.get_event(),
            details={"page": request.query_params.get("page", "1"), "api": True},
        )
        return response


@extend_schema(tags=["crm"], summary="Registered companies of an event", parameters=[UPDATED_SINCE])
class CrmCompanyListView(CrmMixin, ListAPIView):
    serializer_class = s.CrmCompanySerializer
    journal_action = "events.api_companies_read"

    def get_queryset(self):
        qs = Company.objects.filter(event=self.get_event())
        since = parse_since(self.request)
        if since:
            qs = qs.filter(Q(created_at__gte=since) | Q(validated_at__gte=since))
        return (
            qs.select_related("sector")
            .prefetch_related("representatives", offers_prefetch())
            .order_by("pk")
        )


@extend_schema(
    tags=["crm"], summary="Contacts (representatives) of an event", parameters=[UPDATED_SINCE]
)
class CrmContactListView(CrmMixin, ListAPIView):
    serializer_class = s.ContactSerializer
    journal_action = "events.api_contacts_read"

    def get_queryset(self):
        qs = Representative.objects.filter(company__event=self.get_event())
        since = parse_since(self.request)
        if since:
            # Representatives carry no date: those of companies created or validated since.
            qs = qs.filter(Q(company__created_at__gte=since) | Q(company__validated_at__gte=since))
        return qs.select_related("company").prefetch_related("absent_sessions").order_by("pk")


@extend_schema(
    tags=["crm"],
    summary="Meetings of an event (slot, room, table, parties, state)",
    parameters=[UPDATED_SINCE],
)
class CrmMeetingListView(CrmMixin, ListAPIView):
    serializer_class = s.MeetingSerializer
    journal_action = "events.api_meetings_read"

    def get_queryset(self):
        qs = Meeting.objects.filter(event=self.get_event())
        since = parse_since(self.request)
        if since:
            qs = qs.filter(created_at__gte=since)
        return qs.select_related(
            "slot__session",
            "room__site",
            "request__sender__company",
            "request__recipient__company",
        ).order_by("slot__start", "room_id", "table_number", "pk")
