"""Events API: public events and catalogue; CRM interface scoped per event (read, write
companies and contacts, incremental sync).

Access: every view declares `civitas_permission` (checked by DenyUndeclared on any scope);
CRM views then check the permission on the event itself, so a secondary administrator with
a role on event A gets 404 on event B, and the CRM event list only holds their events.
Writes also need events.api_write on the event (403 with the reason otherwise).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from civitas.core import journal, permissions
from civitas.core.params import DB_INT_MAX, int_param

from ..forms import CatalogueSearchForm, CompanyForm, RepresentativeRecordForm
from ..models import (
    Company,
    DeletedRecord,
    Event,
    Meeting,
    MeetingRequest,
    Offer,
    Representative,
    Session,
)
from ..services import ServiceError, catalogue, crm
from . import serializers as s
from .sync import SyncPagination

CRM_PERMISSION = "events.view_registrations"

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description=(
        "ISO 8601 date-time (e.g. 2027-03-01T08:00:00+01:00): only the records changed at or "
        "after it, in (updated_at, id) order, paged with `cursor` (see next_cursor). A "
        "date-time without offset is read in the server's time zone."
    ),
)


# An id in a query parameter: a positive 64-bit integer (larger ones answer 400).
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": DB_INT_MAX}


def published_events():
    return Event.objects.filter(is_published=True)


def public_event(slug) -> Event:
    event = published_events().filter(slug=slug).first()
    if event is None:
        raise NotFound(_("No published event with the short name %(slug)s.") % {"slug": slug})
    return event


def offers_prefetch(public=False):
    """The offers of companies; only the validated ones for the public catalogue."""
    qs = Offer.objects.filter(moderation="validated") if public else Offer.objects.all()
    return Prefetch(
        "offers",
        queryset=qs.select_related("cooperation_type").prefetch_related("keywords", "key_figures"),
    )


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
                "PostgreSQL French stemming and prefixes, results by relevance. Only the "
                "first 20 words are searched."
            ),
        ),
        OpenApiParameter("sector", ID_SCHEMA, description="Sector id."),
    ],
    responses={
        200: s.PublicCompanySerializer,
        400: OpenApiResponse(s.FieldErrorsSerializer, description="Invalid query parameters."),
    },
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
        search = CatalogueSearchForm(self.request.query_params)
        if not search.is_valid():
            raise form_errors(search)
        qs = catalogue.public_companies(event, *search.query())
        # The service's order: by relevance when searching (PostgreSQL), else by name.
        return qs.select_related("sector").prefetch_related(offers_prefetch(public=True))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "event": self.get_event()}


# --- CRM -----------------------------------------------------------------------------

WRITE_PERMISSION = "events.api_write"

FIELD_ERRORS = {
    400: OpenApiResponse(
        s.FieldErrorsSerializer,
        description="Invalid fields: {field: [reasons]} (non_field_errors for the record).",
    ),
    403: OpenApiResponse(s.ApiErrorSerializer, description="No write permission on this event."),
    404: OpenApiResponse(s.ApiErrorSerializer, description="Unknown or out-of-scope record."),
}


@extend_schema(tags=["crm"], summary="Events whose registrations you may read")
class CrmEventListView(ListAPIView):
    civitas_permission = CRM_PERMISSION
    serializer_class = s.CrmEventSerializer

    def get_queryset(self):
        qs = Event.objects.order_by("start_date", "name")
        return permissions.restrict(qs, self.request.user, CRM_PERMISSION)


class CrmMixin(permissions.ScopedAPIMixin):
    """Event-scoped CRM view: reading needs events.view_registrations on the event (else
    404, nothing revealed); writing also needs events.api_write on it (else 403)."""

    civitas_permission = CRM_PERMISSION
    scope_model = Event
    scope_lookup = scope_url_kwarg = "slug"
    scope_write_permission = WRITE_PERMISSION
    journal_action = ""
    pagination_class = SyncPagination
    sync_field = "updated_at"

    def get_event(self) -> Event:
        return self.get_scope()

    def scope_not_found(self):
        # Out of scope looks like absent: nothing is revealed about other events.
        return NotFound(
            _("No event with the short name %(slug)s among the events you manage.")
            % {"slug": self.kwargs["slug"]}
        )

    def scope_write_denied(self) -> str:
        return _(
            "You may read this event's registrations but not change them: that "
            "needs the permission %(perm)s on the event."
        ) % {"perm": WRITE_PERMISSION}

    def journal_read(self, request, **details):
        journal.record(
            self.journal_action,
            request=request,
            obj=self.get_event(),
            details={"api": True, **details},
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.journal_read(
            request,
            page=request.query_params.get("page", "1"),
            updated_since=request.query_params.get("updated_since", ""),
        )
        return response


# --- Writing: the registration forms validate, services save and journal ---------------

# The writable fields are the registration forms' (events/forms.py); these are the fields a
# GET returns that a CRM may send back unchanged (ignored).
COMPANY_READ_ONLY = {
    "id",
    "status",
    "created_at",
    "validated_at",
    "updated_at",
    "representatives",
    "offers",
}
CONTACT_READ_ONLY = {"id", "company_name", "company_status", "updated_at"}
ID_FIELDS = {"sector", "company"}
LIST_FIELDS = {"absent_sessions"}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def body_fields(request, allowed, read_only) -> dict:
    """The writable fields sent, type-checked; read-only ones (as a GET returns them) are
    ignored so a CRM may send back what it read; unknown ones are refused."""
    data = request.data
    if hasattr(data, "getlist"):  # form-encoded body
        data = {k: data.getlist(k) if k in LIST_FIELDS else data.get(k) for k in data}
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send one JSON object.")]})
    errors = {
        k: [_("Unknown field.")] for k in sorted(data) if k not in allowed and k not in read_only
    }
    values = {}
    for key in allowed:
        if key not in data:
            continue
        value = data[key]
        if key in LIST_FIELDS:
            if isinstance(value, list) and all(int_param(v) is not None for v in value):
                values[key] = [int(v) for v in value]
            else:
                errors[key] = [_("A list of ids is expected.")]
        elif key in ID_FIELDS:
            if value is None or value == "" or _is_id(value):
                values[key] = value if value != "" else None
            elif isinstance(value, str) and int_param(value) is not None:
                values[key] = int_param(value)
            else:
                errors[key] = [_("An id (integer) is expected.")]
        elif isinstance(value, dict | list):
            errors[key] = [_("A single value is expected.")]
        else:
            values[key] = "" if value is None else value
    if errors:
        raise ValidationError(errors)
    return values


def form_errors(form) -> ValidationError:
    return ValidationError(
        {
            ("non_field_errors" if f == "__all__" else f): [str(m) for m in messages]
            for f, messages in form.errors.items()
        }
    )


def current_values(instance, fields) -> dict:
    values = {}
    for name in fields:
        if name == "sector":
            values[name] = instance.sector_id
        elif name == "absent_sessions":
            values[name] = [x.pk for x in instance.absent_sessions.all()]
        else:
            values[name] = getattr(instance, name)
    return values


def service_call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except crm.FieldError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from exc
    except ServiceError as exc:
        raise ValidationError({"non_field_errors": [str(exc)]}) from exc


def created(request, data: dict, url_name: str, event) -> Response:
    """201 with the new record and its address in ``Location``."""
    location = reverse(url_name, kwargs={"slug": event.slug, "pk": data["id"]})
    return Response(
        data,
        status=status.HTTP_201_CREATED,
        headers={"Location": request.build_absolute_uri(location)},
    )


class CrmWriteMixin:
    """The one way the CRM writes a record: the body's fields are type-checked
    (`body_fields`), the registration form of the record validates them, a crm service saves
    and journals; the answer is the record as a GET shows it.

    A record kind sets `form_class` (its fields are the writable ones), `read_only`,
    `output` (its read serializer), `url_name` (its detail route) and the two service
    calls `create_record` and `update_record`. `extra_fields` are accepted beside the form's
    (the contact's `company`) and handled by `split_extra`."""

    form_class: type
    read_only: set = set()
    extra_fields: tuple = ()
    output: type
    url_name = ""

    def writable(self) -> list[str]:
        return list(self.form_class._meta.fields)

    def read_body(self, request) -> dict:
        return body_fields(request, [*self.writable(), *self.extra_fields], self.read_only)

    def split_extra(self, values: dict, instance=None) -> tuple[dict, dict]:
        """(context for the service call, errors) from the extra fields (popped)."""
        return {}, {}

    def validated_form(self, data, instance=None, errors=None):
        form = self.form_class(data, instance=instance, event=self.get_event())
        found = {} if form.is_valid() else dict(form_errors(form).detail)
        found.update(errors or {})
        if found:
            raise ValidationError(found)
        return form

    def create_record(self, form, request, **context):
        raise NotImplementedError

    def update_record(self, form, request):
        raise NotImplementedError


class CrmCreateMixin(CrmWriteMixin):
    """POST on a list creates a record."""

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        values = self.read_body(request)
        context, errors = self.split_extra(values)
        form = self.validated_form(values, errors=errors)
        obj = service_call(self.create_record, form, request, **context)
        obj = self.records().get(pk=obj.pk)
        return created(request, self.output(obj).data, self.url_name, event)


class CrmUpdateMixin(CrmWriteMixin):
    """PUT replaces the writable fields of one record; PATCH changes those sent."""

    def write(self, request, partial):
        obj = self.get_object()
        values = self.read_body(request)
        self.split_extra(values, instance=obj)
        data = {**current_values(obj, self.writable()), **values} if partial else values
        form = self.validated_form(data, instance=obj)
        service_call(self.update_record, form, request)
        return Response(self.output(self.get_object()).data)

    def put(self, request, *args, **kwargs):
        return self.write(request, partial=False)

    def patch(self, request, *args, **kwargs):
        return self.write(request, partial=True)


def companies_of(event):
    return (
        Company.objects.filter(event=event)
        .select_related("sector")
        .prefetch_related("representatives", offers_prefetch())
    )


class CompanyWriting:
    """How the CRM writes a company (see CrmWriteMixin)."""

    form_class = CompanyForm
    read_only = COMPANY_READ_ONLY
    output = s.CrmCompanySerializer
    url_name = "events:api_company"

    def records(self):
        return companies_of(self.get_event())

    def create_record(self, form, request):
        return crm.create_company(self.get_event(), form.save(commit=False), request=request)

    def update_record(self, form, request):
        return crm.update_company(form.save(commit=False), form.changed_data, request=request)


@extend_schema_view(
    get=extend_schema(
        tags=["crm"], summary="Registered companies of an event", parameters=[UPDATED_SINCE]
    ),
    post=extend_schema(
        tags=["crm"],
        summary="Create a company (status: registered)",
        request=s.CompanyWriteSerializer,
        responses={201: s.CrmCompanySerializer, **FIELD_ERRORS},
    ),
)
class CrmCompanyListView(CompanyWriting, CrmCreateMixin, CrmMixin, ListAPIView):
    serializer_class = s.CrmCompanySerializer
    journal_action = "events.api_companies_read"

    def get_queryset(self):
        return self.records().order_by("pk")


@extend_schema_view(
    get=extend_schema(tags=["crm"], summary="One company of an event"),
    put=extend_schema(
        tags=["crm"],
        summary="Replace a company's fields",
        request=s.CompanyWriteSerializer,
        responses={200: s.CrmCompanySerializer, **FIELD_ERRORS},
    ),
    patch=extend_schema(
        tags=["crm"],
        summary="Change some fields of a company",
        request=s.CompanyWriteSerializer(partial=True),
        responses={200: s.CrmCompanySerializer, **FIELD_ERRORS},
    ),
)
class CrmCompanyDetailView(CompanyWriting, CrmUpdateMixin, CrmMixin, GenericAPIView):
    serializer_class = s.CrmCompanySerializer
    journal_action = "events.api_companies_read"

    def get_object(self):
        company = self.records().filter(pk=self.kwargs["pk"]).first()
        if company is None:
            raise NotFound(_("No company #%(pk)s in this event.") % {"pk": self.kwargs["pk"]})
        return company

    def get(self, request, *args, **kwargs):
        company = self.get_object()
        self.journal_read(request, id=company.pk)
        return Response(s.CrmCompanySerializer(company).data)


def contacts_of(event):
    return (
        Representative.objects.filter(company__event=event)
        .select_related("company")
        .prefetch_related("absent_sessions")
    )


class ContactWriting:
    """How the CRM writes a contact (see CrmWriteMixin)."""

    form_class = RepresentativeRecordForm
    read_only = CONTACT_READ_ONLY
    extra_fields = ("company",)
    output = s.ContactSerializer
    url_name = "events:api_contact"

    def records(self):
        return contacts_of(self.get_event())

    def split_extra(self, values, instance=None):
        if instance is not None:  # a contact stays with its company
            if values.pop("company", instance.company_id) != instance.company_id:
                raise ValidationError(
                    {"company": [_("A contact cannot move to another company; create a new one.")]}
                )
            return {}, {}
        company_id = values.pop("company", None)
        company = (
            Company.objects.filter(event=self.get_event(), pk=company_id).first()
            if company_id
            else None
        )
        if company is not None:
            return {"company": company}, {}
        return {}, {
            "company": [
                _("No company #%(pk)s in this event.") % {"pk": company_id}
                if company_id
                else _("This field is required.")
            ]
        }

    def create_record(self, form, request, company):
        return crm.create_contact(
            company, form.save(commit=False), form.cleaned_data["absent_sessions"], request=request
        )

    def update_record(self, form, request):
        return crm.update_contact(
            form.save(commit=False),
            form.changed_data,
            form.cleaned_data["absent_sessions"],
            request=request,
        )


@extend_schema_view(
    get=extend_schema(
        tags=["crm"], summary="Contacts (representatives) of an event", parameters=[UPDATED_SINCE]
    ),
    post=extend_schema(
        tags=["crm"],
        summary="Add a contact to a company",
        request=s.ContactWriteSerializer,
        responses={201: s.ContactSerializer, **FIELD_ERRORS},
    ),
)
class CrmContactListView(ContactWriting, CrmCreateMixin, CrmMixin, ListAPIView):
    serializer_class = s.ContactSerializer
    journal_action = "events.api_contacts_read"

    def get_queryset(self):
        return self.records().order_by("pk")


@extend_schema_view(
    get=extend_schema(tags=["crm"], summary="One contact of an event"),
    put=extend_schema(
        tags=["crm"],
        summary="Replace a contact's fields",
        request=s.ContactWriteSerializer,
        responses={200: s.ContactSerializer, **FIELD_ERRORS},
    ),
    patch=extend_schema(
        tags=["crm"],
        summary="Change some fields of a contact",
        request=s.ContactWriteSerializer(partial=True),
        responses={200: s.ContactSerializer, **FIELD_ERRORS},
    ),
)
class CrmContactDetailView(ContactWriting, CrmUpdateMixin, CrmMixin, GenericAPIView):
    serializer_class = s.ContactSerializer
    journal_action = "events.api_contacts_read"

    def get_object(self):
        rep = self.records().filter(pk=self.kwargs["pk"]).first()
        if rep is None:
            raise NotFound(_("No contact #%(pk)s in this event.") % {"pk": self.kwargs["pk"]})
        return rep

    def get(self, request, *args, **kwargs):
        rep = self.get_object()
        self.journal_read(request, id=rep.pk)
        return Response(s.ContactSerializer(rep).data)


# --- Reading meetings, requests, attendance, deletions -------------------------------------


def meetings_of(event):
    return Meeting.objects.filter(event=event).select_related(
        "slot__session",
        "room__site",
        "request__sender__company",
        "request__recipient__company",
    )


@extend_schema(
    tags=["crm"],
    summary="Meetings of an event (slot, room, table, parties, state)",
    parameters=[UPDATED_SINCE],
)
class CrmMeetingListView(CrmMixin, ListAPIView):
    """Cancelled and moved meetings stay listed with state "cancelled" (a move cancels the
    meeting and creates a new one); draft meetings replaced by a new scheduling run are
    deleted and appear in /deletions/."""

    serializer_class = s.MeetingSerializer
    journal_action = "events.api_meetings_read"

    def get_queryset(self):
        return meetings_of(self.get_event()).order_by(
            "slot__start", "room_id", "table_number", "pk"
        )


@extend_schema(tags=["crm"], summary="One meeting of an event")
class CrmMeetingDetailView(CrmMixin, RetrieveAPIView):
    serializer_class = s.MeetingSerializer
    journal_action = "events.api_meetings_read"

    def get_object(self):
        meeting = meetings_of(self.get_event()).filter(pk=self.kwargs["pk"]).first()
        if meeting is None:
            raise NotFound(_("No meeting #%(pk)s in this event.") % {"pk": self.kwargs["pk"]})
        return meeting


@extend_schema(
    tags=["crm"], summary="Meeting requests of an event (all states)", parameters=[UPDATED_SINCE]
)
class CrmRequestListView(CrmMixin, ListAPIView):
    serializer_class = s.RequestSerializer
    journal_action = "events.api_requests_read"

    def get_queryset(self):
        return (
            MeetingRequest.objects.filter(event=self.get_event())
            .select_related("sender__company", "recipient__company")
            .order_by("pk")
        )


@extend_schema(
    tags=["crm"],
    summary="Attendance plan of each contact: sessions attended, meetings per session",
    parameters=[UPDATED_SINCE],
)
class CrmAttendanceView(CrmMixin, ListAPIView):
    serializer_class = s.AttendanceSerializer
    journal_action = "events.api_attendance_read"

    def get_queryset(self):
        return (
            Representative.objects.filter(company__event=self.get_event())
            .prefetch_related("absent_sessions")
            .order_by("pk")
        )

    def get_serializer(self, *args, **kwargs):
        if args and kwargs.get("many"):
            reps = list(args[0])
            ids = [r.pk for r in reps]
            counts: dict[int, dict[int, int]] = {}
            rows = (
                Meeting.objects.filter(event=self.get_event(), state=Meeting.State.SCHEDULED)
                .filter(Q(request__sender_id__in=ids) | Q(request__recipient_id__in=ids))
                .values_list("request__sender_id", "request__recipient_id", "slot__session_id")
            )
            for sender, recipient, session in rows:
                for rep in (sender, recipient):
                    per = counts.setdefault(rep, {})
                    per[session] = per.get(session, 0) + 1
            kwargs["context"] = {
                **self.get_serializer_context(),
                "meeting_counts": counts,
                "sessions": list(
                    Session.objects.filter(day__event=self.get_event())
                    .select_related("day")
                    .order_by("day__date", "start_time")
                ),
            }
            args = (reps, *args[1:])
        return super().get_serializer(*args, **kwargs)


@extend_schema(
    tags=["crm"],
    summary="Records deleted from an event (tombstones), for the incremental sync",
    parameters=[UPDATED_SINCE],
)
class CrmDeletionListView(CrmMixin, ListAPIView):
    serializer_class = s.DeletedRecordSerializer
    journal_action = "events.api_deletions_read"
    sync_field = "deleted_at"

    def get_queryset(self):
        return DeletedRecord.objects.filter(event_id=self.get_event().pk).order_by("pk")
