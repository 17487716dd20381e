"""Pagination of the CRM lists: by page number, or keyset order for incremental sync.

Without `updated_since` or `cursor`, a list is paged by number (`page`, `page_size`) in its
natural order, with a `count`.

With `updated_since=<ISO date-time>` (or a `cursor` from a previous answer), the list holds
the records changed at or after that moment, in (`updated_at`, `id`) order, and each answer
gives `next_cursor` (and the `next` address that carries it) until the last page. The cursor
is the position of the last record returned, not a page number: records changed while the
CRM reads the pages move to the end of the order instead of shifting the pages, so nothing
is skipped and nothing repeated by the paging itself.
"""

from __future__ import annotations

import base64
import binascii

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


def parse_since(request):
    raw = request.query_params.get("updated_since")
    if raw is None or raw == "":
        return None
    try:
        # "+" in a query string becomes a space when the client forgot to encode it.
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


def encode_cursor(moment, pk) -> str:
    text = f"{moment.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(raw: str):
    try:
        padded = raw + "=" * (-len(raw) % 4)
        moment, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        value = parse_datetime(moment)
        if value is None or timezone.is_naive(value):
            raise ValueError(moment)
        return value, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ParseError(
            _("The cursor %(value)r is not one this API gave; start again from updated_since.")
            % {"value": raw}
        ) from None


class SyncPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.sync = False
        field = getattr(view, "sync_field", None)
        raw_cursor = request.query_params.get("cursor")
        since = parse_since(request) if field else None
        if field is None or (since is None and not raw_cursor):
            return super().paginate_queryset(queryset, request, view)
        self.sync = True
        qs = queryset.order_by(field, "pk")
        if since is not None:
            qs = qs.filter(**{f"{field}__gte": since})
        if raw_cursor:
            moment, pk = decode_cursor(raw_cursor)
            qs = qs.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
        size = self.get_page_size(request)
        rows = list(qs[: size + 1])
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_cursor = encode_cursor(getattr(last, field), last.pk)
        return rows

    def get_next_link(self):
        if not self.sync:
            return super().get_next_link()
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, "page"), "cursor", self.next_cursor)

    def get_paginated_response(self, data):
        if not self.sync:
            return super().get_paginated_response(data)
        return Response(
            {"next": self.get_next_link(), "next_cursor": self.next_cursor, "results": data}
        )

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["properties"]["count"]["description"] = "Only when paging by number."
        base["properties"]["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "Only with updated_since or cursor: pass it as `cursor` for the "
            "next page; null on the last page.",
        }
        base["required"] = ["results"]
        return base

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        if getattr(view, "sync_field", None):
            params.append(
                {
                    "name": "cursor",
                    "required": False,
                    "in": "query",
                    "description": "Position returned as next_cursor by the previous page of "
                    "an incremental sync.",
                    "schema": {"type": "string"},
                }
            )
        return params
