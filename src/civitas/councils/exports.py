"""Exporter of the councils module: traces of sendings (per sitting, per official, per
period), for the EPCI's own records."""

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from civitas.core.exports.registry import Exporter, register
from civitas.core.params import int_param
from civitas.core.permissions import restrict

from .models import Delivery
from .services.traces import TRACE_COLUMNS, trace_rows

PERM = "councils.view_sittings"


@register
class TraceExporter(Exporter):
    code = "councils.traces"
    label = _("Council documents: traces of sending and reading")
    permission = PERM
    id_params = ("sitting", "official")
    filter_params = ("sitting", "official", "from", "to")
    columns = TRACE_COLUMNS

    def queryset(self, user, params):
        qs = restrict(
            Delivery.objects.select_related("official__commune", "sending__sitting"),
            user,
            PERM,
        ).prefetch_related("downloads__document")
        if int_param(params.get("sitting")) is not None:
            qs = qs.filter(sending__sitting=int_param(params["sitting"]))
        if int_param(params.get("official")) is not None:
            qs = qs.filter(official=int_param(params["official"]))
        start, end = parse_date(params.get("from") or ""), parse_date(params.get("to") or "")
        if start:
            qs = qs.filter(sending__sent_at__date__gte=start)
        if end:
            qs = qs.filter(sending__sent_at__date__lte=end)
        return list(trace_rows(qs.order_by("sending__sent_at", "official__last_name")))

    def row(self, obj):
        return obj
