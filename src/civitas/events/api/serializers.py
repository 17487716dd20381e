"""Serializers of the events API: public (events, catalogue) and CRM (companies, contacts,
meetings)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Company, Event, Meeting, Offer, Representative


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
    code = serializers.CharField()
    label = serializers.CharField()


def _sector(company):
    if company.sector is None:
        return None
    return {"code": company.sector.code, "label": str(company.sector.label)}


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
            "name",
            "status",
            "country",
            "siret",
            "vat_number",
            "address",
            "postcode",
            "city",
            "website",
            "email",
            "phone",
            "sector",
            "description",
            "created_at",
            "validated_at",
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
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "absent_sessions",
            "extra",
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
        ]
