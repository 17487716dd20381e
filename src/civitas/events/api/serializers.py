"""Serializers of the events API: public (events, catalogue) and CRM (companies, contacts,
meetings)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..forms import COMPANY_FIELDS, REPRESENTATIVE_FIELDS
from ..models import (
    Company,
    DeletedRecord,
    Event,
    Meeting,
    MeetingRequest,
    Offer,
    Representative,
)


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "name",
            "start_date",
            "end_date",
            "registration_opens",
            "registration_closes",
            "registration_open",
            "languages",
            "venue",
            "booking_mode",
        ]

    registration_open = serializers.SerializerMethodField()
    languages = serializers.ListField(child=serializers.CharField())

    def get_registration_open(self, event) -> bool:
        return event.registration_is_open()


class CrmEventSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "is_published"]


def _labels(items) -> list[str]:
    return [str(i.label) for i in items]


class PublicOfferSerializer(serializers.ModelSerializer):
    cooperation_type = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()
    key_figures = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "cooperation_type",
            "keywords",
            "key_figures",
        ]

    def get_cooperation_type(self, offer) -> str | None:
        return str(offer.cooperation_type.label) if offer.cooperation_type else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_keywords(self, offer):
        return _labels(offer.keywords.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_key_figures(self, offer):
        return _labels(offer.key_figures.all())


class SectorField(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()


def _sector(company):
    if company.sector is None:
        return None
    return {
        "id": company.sector_id,
        "code": company.sector.code,
        "label": str(company.sector.label),
    }


class PublicCompanySerializer(serializers.ModelSerializer):
    """A validated company as the catalogue shows it: name and country, plus only the fields
    the event made public (Event.public_fields); the others are left out of the output."""

    OPTIONAL = ("description", "website", "city", "sector", "offers")

    sector = serializers.SerializerMethodField(required=False)
    offers = PublicOfferSerializer(many=True, read_only=True, required=False)
    extra_fields = serializers.SerializerMethodField(required=False)

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "country",
            "description",
            "website",
            "city",
            "sector",
            "offers",
            "extra_fields",
        ]
        extra_kwargs = {f: {"required": False} for f in ("description", "website", "city")}

    @extend_schema_field(SectorField(allow_null=True, required=False))
    def get_sector(self, company):
        return _sector(company)

    def to_representation(self, company):
        data = super().to_representation(company)
        event = self.context["event"]
        for field in self.OPTIONAL:
            if not event.shows(field):
                data.pop(field, None)
        if not data.get("extra_fields"):
            data.pop("extra_fields", None)
        return data

    @extend_schema_field(
        serializers.DictField(
            required=False,
            help_text="Answers to the extra registration fields the event made public, "
            "by field key (text, number, boolean, ISO date or list of choices).",
        )
    )
    def get_extra_fields(self, company):
        from ..services import regform

        rows = regform.public_rows(self.context["event"], company)
        return {f.key: company.extra[f.key] for f, _v in rows}


class CrmCompanySerializer(serializers.ModelSerializer):
    sector = serializers.SerializerMethodField()
    offers = PublicOfferSerializer(many=True, read_only=True)
    representatives = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Company
        fields = [
            "id",
            "status",
            *COMPANY_FIELDS,
            "created_at",
            "validated_at",
            "updated_at",
            "representatives",
            "offers",
            "extra",
        ]

    @extend_schema_field(SectorField(allow_null=True))
    def get_sector(self, company):
        return _sector(company)


class ContactSerializer(serializers.ModelSerializer):
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company.name")
    company_status = serializers.CharField(source="company.status")
    absent_sessions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Representative
        fields = [
            "id",
            "company",
            "company_name",
            "company_status",
            *REPRESENTATIVE_FIELDS,
            "extra",
            "updated_at",
        ]


class PartySerializer(serializers.Serializer):
    contact = serializers.IntegerField(source="pk")
    full_name = serializers.CharField()
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company.name")


class MeetingSerializer(serializers.ModelSerializer):
    start = serializers.DateTimeField(source="slot.start")
    end = serializers.DateTimeField(source="slot.end")
    session = serializers.CharField(source="slot.session.name")
    site = serializers.CharField(source="room.site.name")
    room = serializers.CharField(source="room.name")
    table = serializers.IntegerField(source="table_number")
    requester = PartySerializer(source="request.sender")
    recipient = PartySerializer(source="request.recipient")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "request",
            "start",
            "end",
            "session",
            "site",
            "room",
            "table",
            "requester",
            "recipient",
            "state",
            "locked",
            "published",
            "created_at",
            "updated_at",
        ]


# --- CRM writes (documentation of the request bodies; the registration forms validate) ---


class CompanyWriteSerializer(serializers.Serializer):
    """Fields a CRM may write on a company (POST: all required ones; PATCH: any subset)."""

    name = serializers.CharField(max_length=200)
    country = serializers.CharField(max_length=2, help_text="ISO 3166 two-letter code (FR, DE...).")
    siret = serializers.CharField(
        max_length=14, required=False, allow_blank=True, help_text="Required when country is FR."
    )
    vat_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Required for EU companies outside France.",
    )
    address = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    sector = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of one of the event's sectors."
    )
    description = serializers.CharField(required=False, allow_blank=True)


class ContactWriteSerializer(serializers.Serializer):
    """Fields a CRM may write on a contact; `company` only when creating."""

    company = serializers.IntegerField(help_text="Id of a company of this event (creation only).")
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    absent_sessions = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of the event's sessions this person does not attend.",
    )


class ApiErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer):
    """400: one list of reasons per field (`non_field_errors` for the whole record)."""

    field_name = serializers.ListField(child=serializers.CharField(), required=False)


# --- CRM reads for the sync ------------------------------------------------------------


class RequestSerializer(serializers.ModelSerializer):
    requester = PartySerializer(source="sender")
    recipient = PartySerializer()

    class Meta:
        model = MeetingRequest
        fields = [
            "id",
            "requester",
            "recipient",
            "state",
            "slot",
            "created_at",
            "answered_at",
            "confirmed_at",
            "expires_at",
            "updated_at",
        ]


class SessionAttendanceSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField()
    attends = serializers.BooleanField()
    meetings = serializers.IntegerField(help_text="Scheduled meetings in this session.")


class AttendanceSerializer(serializers.ModelSerializer):
    """A contact's presence plan: the sessions they attend and their meetings in each."""

    contact = serializers.IntegerField(source="pk")
    company = serializers.IntegerField(source="company_id")
    sessions = serializers.SerializerMethodField()

    class Meta:
        model = Representative
        fields = ["contact", "company", "sessions", "updated_at"]

    @extend_schema_field(SessionAttendanceSerializer(many=True))
    def get_sessions(self, rep):
        absent = {s.pk for s in rep.absent_sessions.all()}
        counts = self.context["meeting_counts"].get(rep.pk, {})
        return [
            {
                "session": s.pk,
                "name": s.name,
                "date": s.day.date,
                "attends": s.pk not in absent,
                "meetings": counts.get(s.pk, 0),
            }
            for s in self.context["sessions"]
        ]


class DeletedRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeletedRecord
        fields = ["kind", "object_id", "deleted_at"]
