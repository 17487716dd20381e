"""Serializers of the child protection API (read-only): files as the list screen shows
them, and one file with its children, assignments and (for those entitled) its reporter."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Assignment,
    BreakGlass,
    Child,
    File,
    Person,
    Reporter,
    ReporterRequest,
)
from ..services.access import REASON_MIN_LENGTH


class ParameterSerializer(serializers.Serializer):
    """A value of a parameter table (its code and label)."""

    code = serializers.CharField()
    label = serializers.CharField()


class TerritorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FileSerializer(serializers.ModelSerializer):
    """A file as listed: its header, no child data and no free text."""

    file_type = ParameterSerializer(allow_null=True)
    channel = ParameterSerializer(allow_null=True)
    source = ParameterSerializer(allow_null=True)
    territory = TerritorySerializer()
    url = serializers.SerializerMethodField()

    class Meta:
        model = File
        fields = [
            "id",
            "number",
            "received_at",
            "file_type",
            "sip",
            "serious_danger",
            "domestic_violence",
            "receiver",
            "channel",
            "source",
            "snated_number",
            "territory",
            "status",
            "evaluation_due",
            "closed_on",
            "updated_at",
            "url",
        ]

    def get_url(self, file) -> str:
        """The file's page in the back office."""
        return self.context["request"].build_absolute_uri(file.get_absolute_url())


class PersonSerializer(serializers.ModelSerializer):
    relationship = ParameterSerializer(allow_null=True)

    class Meta:
        model = Person
        fields = ["role", "sex", "is_minor", "relationship"]


class ChildSerializer(serializers.ModelSerializer):
    commune = serializers.SerializerMethodField()
    father_pcs = ParameterSerializer(allow_null=True)
    mother_pcs = ParameterSerializer(allow_null=True)
    living_place = ParameterSerializer(allow_null=True)
    danger_types = ParameterSerializer(many=True)
    conclusion = ParameterSerializer(allow_null=True)
    previous_file = serializers.SlugRelatedField(slug_field="number", read_only=True)
    persons = PersonSerializer(many=True)

    class Meta:
        model = Child
        fields = [
            "id",
            "sex",
            "last_name",
            "first_name",
            "birth_date",
            "mother_birth_name",
            "commune",
            "street_number",
            "street",
            "father_pcs",
            "mother_pcs",
            "living_place",
            "comment",
            "danger_types",
            "conclusion",
            "conclusion_on",
            "evaluation_due",
            "previous_file",
            "persons",
        ]

    def get_commune(self, child) -> dict | None:
        """{"insee_code", "postal_code", "name"} or null."""
        c = child.commune
        if c is None:
            return None
        return {"insee_code": c.insee_code, "postal_code": c.postal_code, "name": c.name}


class AssignmentSerializer(serializers.ModelSerializer):
    service = ParameterSerializer()

    class Meta:
        model = Assignment
        fields = ["id", "service", "task", "assigned_on", "due_on", "done_on", "result"]


class ReporterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reporter
        fields = ["anonymous", "professional", "identity", "contact"]


class ReporterRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReporterRequest
        fields = ["id", "received_on", "due_on", "outcome", "closed_on", "reason"]


class FileDetailSerializer(FileSerializer):
    """One file with everything its page shows; `reporter` is null for those not entitled
    to the reporter's identity (permission childprotection.view_reporter)."""

    children = ChildSerializer(many=True)
    assignments = AssignmentSerializer(many=True)
    reporter = serializers.SerializerMethodField()
    reporter_requests = ReporterRequestSerializer(many=True)

    class Meta(FileSerializer.Meta):
        fields = [
            *FileSerializer.Meta.fields,
            "summary",
            "cema_observation",
            "children",
            "assignments",
            "reporter",
            "reporter_requests",
        ]

    @extend_schema_field(ReporterSerializer(allow_null=True))
    def get_reporter(self, file):
        if not self.context.get("show_reporter"):
            return None
        reporter = Reporter.objects.filter(file=file).first()
        return ReporterSerializer(reporter).data if reporter else None


class BreakGlassRequestSerializer(serializers.Serializer):
    """Why a file outside one's scope must be opened (journaled; the CRIP manager is
    alerted)."""

    reason = serializers.CharField(
        min_length=REASON_MIN_LENGTH,
        help_text=f"Why you must open this file ({REASON_MIN_LENGTH} characters at least).",
    )


class BreakGlassSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreakGlass
        fields = ["reason", "created_at", "expires_at"]


class BreakGlassResponseSerializer(serializers.Serializer):
    """The file, and the break-glass access that opens it to you (null when the file is in
    your scope: no access was needed, none was opened)."""

    break_glass = BreakGlassSerializer(allow_null=True)
    file = FileDetailSerializer()
