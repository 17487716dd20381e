"""Back office: the co-organisers of an event, their assignment rules, the bulk application
of the rules and the hand assignment of a registration. Thin views: the rules live in
services/coorganisers.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civitas.core import uploads
from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import Company, CoOrganiser, CoOrganiserRule, Event, Sector
from ..services import ServiceError
from ..services import coorganisers as svc


class CoOrganiserForm(forms.ModelForm):
    class Meta:
        model = CoOrganiser
        fields = [
            "name",
            "kind",
            "role_fr",
            "role_en",
            "argument_fr",
            "argument_en",
            "logo",
            "website",
            "contact_email",
            "position",
        ]
        widgets = {
            "argument_fr": forms.Textarea(attrs={"rows": 4}),
            "argument_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].assume_scheme = "https"

    def clean_logo(self):
        return uploads.clean_image_field(self.cleaned_data.get("logo"))


class RuleForm(forms.ModelForm):
    class Meta:
        model = CoOrganiserRule
        fields = ["co_organiser", "country", "postcode_prefix", "sector", "position"]

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this event's co-organisers and sectors: another event's ids are refused.
        self.fields["co_organiser"].queryset = CoOrganiser.objects.filter(event=event)
        self.fields["sector"].queryset = Sector.objects.filter(event=event)

    def clean(self):
        data = super().clean()
        if not (data.get("country") or data.get("postcode_prefix") or data.get("sector")):
            raise forms.ValidationError(_("Give at least a country, a postcode start or a sector."))
        return data


class AssignForm(forms.Form):
    RULES = "rules"
    NONE = "none"

    choice = forms.ChoiceField(label=gettext_lazy("Co-organiser"))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.co_organisers = {str(c.pk): c for c in CoOrganiser.objects.filter(event=event)}
        self.fields["choice"].choices = [
            (self.RULES, _("As the rules decide")),
            (self.NONE, _("None (chosen by hand)")),
            *[(k, c.name) for k, c in self.co_organisers.items()],
        ]


def assign_form(company, event) -> AssignForm:
    """The select of the registration page, showing the current choice."""
    if not company.co_organiser_by_hand:
        initial = AssignForm.RULES
    else:
        initial = str(company.co_organiser_id) if company.co_organiser_id else AssignForm.NONE
    return AssignForm(event=event, initial={"choice": initial})


@scoped_permission_required("events.view_registrations", Event)
def co_organiser_list(request, pk):
    event = request.event
    co_organisers = event.co_organisers.annotate(n_companies=Count("companies"))
    unassigned = Company.objects.filter(
        event=event, co_organiser__isnull=True, co_organiser_by_hand=False
    ).count()
    return render(
        request,
        "events/coorganisers/list.html",
        {
            "event": event,
            "co_organisers": co_organisers,
            "rules": svc.event_rules(event),
            "unassigned": unassigned,
            "can_manage": has_perm(request.user, "events.manage_event", event),
            "can_assign": has_perm(request.user, "events.validate_registrations", event),
        },
    )


@scoped_permission_required("events.manage_event", Event)
def co_organiser_edit(request, pk, co_pk=None):
    event = request.event
    co = (
        get_object_or_404(CoOrganiser, pk=co_pk, event=event) if co_pk else CoOrganiser(event=event)
    )
    if request.method == "POST" and co.pk and request.POST.get("delete"):
        svc.delete_co_organiser(co, request=request)
        messages.success(request, _("Co-organiser deleted."))
        return redirect("events:bo_co_organisers", pk=event.pk)
    form = CoOrganiserForm(request.POST or None, request.FILES or None, instance=co)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.event = event
        svc.save_co_organiser(obj, request=request)
        messages.success(request, _("Saved."))
        return redirect("events:bo_co_organisers", pk=event.pk)
    return render(
        request,
        "events/coorganisers/form.html",
        {
            "event": event,
            "form": form,
            "co": co,
            "title": co.name if co.pk else _("Add a co-organiser"),
            "n_companies": co.companies.count() if co.pk else 0,
        },
    )


@scoped_permission_required("events.manage_event", Event)
def rule_edit(request, pk, rule_pk=None):
    event = request.event
    rule = (
        get_object_or_404(CoOrganiserRule, pk=rule_pk, co_organiser__event=event)
        if rule_pk
        else CoOrganiserRule()
    )
    form = RuleForm(request.POST or None, instance=rule, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            svc.save_rule(form.save(commit=False), request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Saved. Registrations already made keep their co-organiser until the rules "
                    "are applied to the unassigned."
                ),
            )
            return redirect("events:bo_co_organisers", pk=event.pk)
    return render(
        request,
        "events/coorganisers/rule_form.html",
        {
            "event": event,
            "form": form,
            "rule": rule,
            "title": _("Assignment rule") if rule.pk else _("Add an assignment rule"),
        },
    )


@scoped_permission_required("events.manage_event", Event)
@require_POST
def rule_delete(request, pk, rule_pk):
    event = request.event
    rule = get_object_or_404(CoOrganiserRule, pk=rule_pk, co_organiser__event=event)
    svc.delete_rule(rule, request=request)
    messages.success(request, _("Rule deleted."))
    return redirect("events:bo_co_organisers", pk=event.pk)


@scoped_permission_required("events.validate_registrations", Event)
@require_POST
def apply_rules(request, pk):
    event = request.event
    n = svc.apply_rules(event, request=request)
    messages.success(request, _("%(n)s registrations without a co-organiser got one.") % {"n": n})
    return redirect("events:bo_co_organisers", pk=event.pk)


@scoped_permission_required("events.validate_registrations", Event)
@require_POST
def registration_assign(request, pk, company_pk):
    event = request.event
    company = get_object_or_404(Company, pk=company_pk, event=event)
    form = AssignForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, _("Choose one of the event's co-organisers."))
    else:
        choice = form.cleaned_data["choice"]
        if choice == AssignForm.RULES:
            target = svc.release_to_rules(company, request=request)
        else:
            target = form.co_organisers.get(choice)
            svc.assign_by_hand(company, target, request=request)
        if target is None:
            messages.success(request, _("%(c)s has no co-organiser.") % {"c": company})
        else:
            messages.success(
                request, _("%(c)s is followed by %(o)s.") % {"c": company, "o": target}
            )
    return redirect("events:bo_registration", pk=event.pk, company_pk=company.pk)


P = "backoffice/evenements/<id:pk>/co-organisateurs/"
urlpatterns = [
    path(P, co_organiser_list, name="bo_co_organisers"),
    path(f"{P}nouveau/", co_organiser_edit, name="bo_co_organiser_new"),
    path(f"{P}<id:co_pk>/", co_organiser_edit, name="bo_co_organiser"),
    path(f"{P}regles/nouvelle/", rule_edit, name="bo_co_organiser_rule_new"),
    path(f"{P}regles/<id:rule_pk>/", rule_edit, name="bo_co_organiser_rule"),
    path(f"{P}regles/<id:rule_pk>/supprimer/", rule_delete, name="bo_co_organiser_rule_delete"),
    path(f"{P}appliquer/", apply_rules, name="bo_co_organiser_apply"),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/entreprise/co-organisateur/",
        registration_assign,
        name="bo_registration_co_organiser",
    ),
]
