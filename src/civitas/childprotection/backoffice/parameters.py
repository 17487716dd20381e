"""Parameter tables: every drop-down list, edited by administrators with validity dates."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.permissions import permission_required

from ..models import Commune
from ..models.parameters import PARAMETER_MODELS

PERM = "childprotection.manage_parameters"
TABLES = {m._meta.model_name: m for m in [*PARAMETER_MODELS, Commune]}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model(table):
    model = TABLES.get(table)
    if model is None:
        raise Http404
    return model


def _form_class(model):
    exclude = ["id"]
    return forms.modelform_factory(
        model,
        exclude=exclude,
        widgets={"valid_from": DATE, "valid_until": DATE},
    )


@permission_required(PERM)
def parameters(request):
    tables = [(name, m._meta.verbose_name_plural, m.objects.count()) for name, m in TABLES.items()]
    return render(request, "childprotection/backoffice/parameters.html", {"tables": tables})


@permission_required(PERM)
def parameter_list(request, table):
    model = _model(table)
    page = Paginator(model.objects.all(), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "childprotection/backoffice/parameter_list.html",
        {"table": table, "title": model._meta.verbose_name_plural, "page_obj": page},
    )


@permission_required(PERM)
def parameter_edit(request, table, pk=None):
    model = _model(table)
    obj = get_object_or_404(model, pk=pk) if pk else None
    form = _form_class(model)(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Value saved."))
        return redirect("childprotection:parameter_list", table=table)
    return render(
        request,
        "childprotection/backoffice/simple_form.html",
        {"form": form, "title": model._meta.verbose_name},
    )
