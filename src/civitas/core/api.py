"""API helpers shared by modules, and the core endpoints."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import permissions

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# {parameter: [reasons]}; some parameters (the sync cursor) give one reason as a string.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
_ERROR_DESCRIPTIONS = {
    "400": "Invalid parameters: {parameter: [reasons]}.",
    "401": "Not authenticated (no or bad token or session).",
    "403": "Authenticated, but not allowed.",
    "404": "Unknown or out-of-scope record, or page out of range.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error answers every operation can give at
    runtime (DRF's authentication, permission and pagination errors) are documented where
    the view did not document them itself, so the schema matches what clients receive;
    e-mail addresses may have internationalised domains."""
    for item in (result.get("paths") or {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["401", "403", "404"]
            if operation.get("parameters") or operation.get("requestBody"):
                codes.insert(0, "400")
            for code in codes:
                if code in responses:
                    continue
                schema = FIELD_ERRORS_SCHEMA if code == "400" else ERROR_SCHEMA
                responses[code] = {
                    "content": {"application/json": {"schema": schema}},
                    "description": _ERROR_DESCRIPTIONS[code],
                }
    _idn_emails(result.get("components") or {})
    return result


def _idn_emails(node) -> None:
    """Django's EmailField accepts internationalised domains (anne@évrard.fr): JSON
    Schema's "email" format does not, "idn-email" does."""
    if isinstance(node, dict):
        if node.get("format") == "email":
            node["format"] = "idn-email"
        for value in node.values():
            _idn_emails(value)
    elif isinstance(node, list):
        for value in node:
            _idn_emails(value)


def only_api_paths(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document our /api/ only (not Wagtail's admin API)."""
    return [e for e in endpoints if e[0].startswith("/api/")]


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    """The authenticated user and the permissions they hold (on some scope)."""

    civitas_permission = "login"
    serializer_class = MeSerializer

    def get(self, request):
        user = request.user
        held = [c for c in permissions.all_codenames() if permissions.has_perm(user, c)]
        data = {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "permissions": held,
        }
        return Response(MeSerializer(data).data)
