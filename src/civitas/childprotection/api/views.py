"""Child protection API (read-only): the files one may see, searched as on the list screen,
and one file with its children, assignments and reporter.

Access is the screens': `civitas_permission` childprotection.view_files (checked by
DenyUndeclared after the back-office guard: second factor, IP allowlist), then need to know
on each file through the one scoped queryset (`access.visible_files`, via `files.search`) and
`access.can_read` (territory and sub-units, services assigned, a running break-glass access).
A file out of scope answers 404, exactly as an absent one: nothing is revealed.

Break-glass (`POST files/{id}/break-glass/` with {"reason": ...}): the screens' exceptional
access, through the same service (`access.break_glass`: permission childprotection.break_glass,
a written reason, an access of BREAK_GLASS_HOURS hours, journaled, the CRIP managers alerted).
It answers the file, which GET then serves to that user until the access expires.

Every read of a file is journaled as a consultation (the DPO's journal), and so is every
search page (its criteria, the numbers of the files returned).
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from civitas.core import journal, permissions
from civitas.core.models import Unit
from civitas.core.params import DB_INT_MAX

from .. import forms
from ..models import Assignment, Child, File
from ..services import access, files
from . import serializers as s

ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": DB_INT_MAX}
SEARCH_PARAMETERS = [
    OpenApiParameter(
        "name",
        str,
        description=(
            "Child's name, accent- and case-insensitive (every word must appear); on "
            "PostgreSQL a typo is forgiven (trigram similarity) and the best match comes first."
        ),
    ),
    OpenApiParameter("birth_date", OpenApiTypes.DATE, description="A child's birth date."),
    OpenApiParameter("commune", ID_SCHEMA, description="Id of a child's commune."),
    OpenApiParameter("territory", ID_SCHEMA, description="Id of the file's territory."),
    OpenApiParameter("status", str, enum=File.Status.values, description="Status of the file."),
    OpenApiParameter("received_from", OpenApiTypes.DATE, description="Received on or after."),
    OpenApiParameter("received_to", OpenApiTypes.DATE, description="Received on or before."),
    OpenApiParameter("number", str, description="Part of the file or SNATED number."),
]


def form_errors(form) -> ValidationError:
    return ValidationError(
        {
            ("non_field_errors" if f == "__all__" else f): [str(m) for m in messages]
            for f, messages in form.errors.items()
        }
    )


@extend_schema(
    tags=["childprotection"],
    summary="Child protection files you may see, searched",
    parameters=SEARCH_PARAMETERS,
    responses={
        200: s.FileSerializer,
        400: OpenApiResponse(description="Invalid search criteria: {field: [reasons]}."),
    },
)
class FileListView(ListAPIView):
    civitas_permission = access.VIEW
    serializer_class = s.FileSerializer

    def get_queryset(self):
        user = self.request.user
        territories = permissions.restrict(Unit.objects.filter(kind="territory"), user, access.VIEW)
        form = forms.SearchForm(self.request.query_params, territories=territories)
        if not form.is_valid():
            raise form_errors(form)
        self.criteria = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        return files.search(user, **form.cleaned_data).select_related("file_type", "source")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        journal.record(
            "childprotection.api_search",
            request=request,
            details={
                "api": True,
                "criteria": {k: str(v) for k, v in self.criteria.items()},
                "page": request.query_params.get("page", "1"),
                "files": [row["number"] for row in response.data["results"]],
            },
        )
        return response


@extend_schema(
    tags=["childprotection"],
    summary="One child protection file (journaled consultation)",
    responses={200: s.FileDetailSerializer, 404: OpenApiResponse(description="Unknown file.")},
)
class FileDetailView(RetrieveAPIView):
    civitas_permission = access.VIEW
    serializer_class = s.FileDetailSerializer

    def get_object(self):
        file = (
            File.objects.alive()
            .select_related("territory", "channel", "source", "file_type")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if file is None or not access.can_read(self.request.user, file):
            # out of scope looks like absent
            raise NotFound(_("No file with this number among the files you may see."))
        access.record_read(self.request, file, what="api")
        return file

    def retrieve(self, request, *args, **kwargs):
        file = self.get_object()
        return Response(file_data(request, file, self.get_serializer_context()))


def file_data(request, file, context) -> dict:
    """One file as FileDetailSerializer shows it (children, assignments, requests fetched in
    a few queries; the reporter only for those entitled to it)."""
    children = Child.objects.select_related(
        "commune", "conclusion", "living_place", "father_pcs", "mother_pcs", "previous_file"
    ).prefetch_related("danger_types", "persons__relationship")
    prefetch_related_objects(
        [file],
        Prefetch("children", queryset=children),
        Prefetch("assignments", queryset=Assignment.objects.select_related("service")),
        "reporter_requests",
    )
    context = {
        **context,
        "show_reporter": permissions.has_perm(request.user, "childprotection.view_reporter", file),
    }
    return s.FileDetailSerializer(file, context=context).data


@extend_schema(
    tags=["childprotection"],
    summary="Open a child protection file outside your scope (break-glass)",
    description=(
        "The exceptional access of the screens: with a written reason, a file outside your "
        f"scope is opened to you for {access.BREAK_GLASS_HOURS} hours (GET on the file then "
        "answers it); the access is journaled with its reason and the CRIP managers are "
        "alerted. Needs the permission childprotection.break_glass. A file already in your "
        "scope (or already opened) is answered without a new access (200)."
    ),
    request=s.BreakGlassRequestSerializer,
    responses={
        201: OpenApiResponse(s.BreakGlassResponseSerializer, description="Access opened."),
        200: OpenApiResponse(
            s.BreakGlassResponseSerializer,
            description="The file was readable already: no new access (break_glass is the "
            "running access, or null in your scope).",
        ),
        400: OpenApiResponse(description="Reason missing or too short: {reason: [reasons]}."),
        403: OpenApiResponse(description="You may not open files outside your scope."),
        404: OpenApiResponse(description="Unknown file."),
    },
)
class BreakGlassView(GenericAPIView):
    civitas_permission = "childprotection.break_glass"
    serializer_class = s.BreakGlassRequestSerializer

    def post(self, request, pk):
        file = (
            File.objects.alive()
            .select_related("territory", "channel", "source", "file_type")
            .filter(pk=pk)
            .first()
        )
        if file is None:
            raise NotFound(_("No file with this number."))
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = status.HTTP_200_OK
        if access.can_read(request.user, file):
            # as the screen: nothing to open (in scope, or an access still running)
            opened = access.active_break_glass(request.user, file)
        else:
            try:
                opened = access.break_glass(request, file, body.validated_data["reason"])
            except access.ReasonError as exc:
                raise ValidationError({"reason": [str(exc)]}) from exc
            except access.AccessError as exc:
                raise PermissionDenied(str(exc)) from exc
            code = status.HTTP_201_CREATED
        access.record_read(request, file, what="api")
        context = self.get_serializer_context()
        data = {
            "break_glass": s.BreakGlassSerializer(opened).data if opened else None,
            "file": file_data(request, file, context),
        }
        return Response(data, status=code)
