"""API helpers shared by modules, and the core endpoints."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import permissions


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
