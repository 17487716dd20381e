from django.contrib import messages
from django.db import transaction
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import jobs, journal
from civitas.core.permissions import login_required, permission_required

from . import breaches as service
from . import registry, services, tasks
from .forms import (
    BreachForm,
    CnilNotifiedForm,
    EraseConfirmForm,
    PersonSearchForm,
    PrivacyNoticeForm,
    ProcessingActivityForm,
    RetentionRuleForm,
)
from .models import Breach, PrivacyNotice, ProcessingActivity, RetentionRule

MANAGE = "gdpr.manage_personal_data"
REGISTER = "gdpr.manage_register"
EXPORT_ALL = "gdpr.export_all"
PREVIEW_ROWS = 20


def _person_url(name, email, **extra):
    return reverse(name) + "?" + urlencode({"email": email, **extra})


def _subject_from(request):
    """The subject named by ?email= (or POST email); None if absent or invalid."""
    form = PersonSearchForm({"email": request.POST.get("email") or request.GET.get("email", "")})
    if not form.is_valid():
        return None
    return services.Subject.find(form.cleaned_data["email"])


# --- A person's data -------------------------------------------------------------------


@permission_required(MANAGE)
def home(request):
    form = PersonSearchForm(request.GET or None)
    if form.is_valid():
        return redirect(_person_url("gdpr:person", form.cleaned_data["email"]))
    return render(
        request,
        "gdpr/home.html",
        {
            "form": form,
            "declarations": registry.declarations(),
            "exemptions": sorted(registry.exemptions().items()),
        },
    )


@permission_required(MANAGE)
def person(request):
    subject = _subject_from(request)
    if subject is None:
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("gdpr:home")
    found = services.holdings(subject, limit=PREVIEW_ROWS)
    journal.record(
        "gdpr.person_viewed",
        request=request,
        object_type="gdpr.subject",
        object_id=subject.email_hash,
        object_repr=subject.email[:254],
        details={"models": {h.label: h.count for h in found}},
    )
    return render(
        request,
        "gdpr/person.html",
        {"subject": subject, "holdings": found, "preview_rows": PREVIEW_ROWS},
    )


@permission_required(MANAGE)
@require_POST
def person_export(request):
    subject = _subject_from(request)
    if subject is None:
        raise Http404
    job = jobs.create("gdpr.export_subject", _("Personal data export"), owner=request.user)
    tasks.export_subject.enqueue(
        str(job.pk), subject.email, request.user.pk, get_language() or "fr"
    )
    return redirect("core:job_status", pk=job.pk)


@permission_required(MANAGE)
def person_rectify(request):
    subject = _subject_from(request)
    decl = registry.declaration(request.GET.get("model", ""))
    if subject is None or decl is None or not decl.rectifiable_fields():
        raise Http404
    form_class = modelform_factory(decl.model, fields=decl.rectifiable_fields())
    objects = list(decl.queryset(subject.email, subject.user).order_by("pk")[:PREVIEW_ROWS])
    forms = [form_class(request.POST or None, instance=obj, prefix=f"r{obj.pk}") for obj in objects]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        changed = 0
        with transaction.atomic():
            for f in forms:
                if services.rectify(decl, f, request=request):
                    changed += 1
        messages.success(request, _("%(n)s record(s) rectified.") % {"n": changed})
        email = subject.email
        if subject.user is not None and decl.label == "core.User":
            email = objects[0].email if objects else email
        return redirect(_person_url("gdpr:person", email))
    return render(
        request,
        "gdpr/rectify.html",
        {
            "subject": subject,
            "declaration": decl,
            "verbose_name": decl.model._meta.verbose_name_plural,
            "forms": forms,
        },
    )


@permission_required(MANAGE)
def person_erase(request):
    subject = _subject_from(request)
    if subject is None:
        raise Http404
    form = EraseConfirmForm(request.POST or None, email=subject.email)
    if request.method == "POST" and form.is_valid():
        result = services.erase(subject, request=request)
        total = sum(v["count"] for v in result.values())
        messages.success(
            request,
            _("Erasure done: %(n)s record(s) deleted, anonymised or kept as declared.")
            % {"n": total},
        )
        return redirect("gdpr:home")
    return render(
        request,
        "gdpr/erase.html",
        {"subject": subject, "plan": services.erase_plan(subject), "form": form},
    )


# --- Self-service ---------------------------------------------------------------------


@login_required
def my_data(request):
    subject = services.Subject(email=request.user.email, user=request.user)
    if request.method == "POST":
        job = jobs.create("gdpr.export_subject", _("My personal data"), owner=request.user)
        tasks.export_subject.enqueue(
            str(job.pk), subject.email, request.user.pk, get_language() or "fr"
        )
        return redirect("core:job_status", pk=job.pk)
    found = services.holdings(subject, with_rows=False)
    return render(request, "gdpr/my_data.html", {"holdings": found})


# --- Retention rules ---------------------------------------------------------------------


@permission_required(REGISTER)
def retention(request):
    existing = {r.category: r for r in RetentionRule.objects.all()}
    forms = []
    for cat in registry.categories():
        instance = existing.get(cat.code) or RetentionRule(category=cat.code, days=1095)
        models_ = [
            d
            for d in registry.declarations()
            if d.category == cat.code and d.retention_field and d.erase != "keep"
        ]
        form = RetentionRuleForm(request.POST or None, instance=instance, prefix=cat.code)
        forms.append((cat, form, models_))
    if request.method == "POST" and all(f.is_valid() for _c, f, _m in forms):
        changes = {}
        for cat, f, _m in forms:
            if f.has_changed() or f.instance.pk is None:
                if f.instance.pk is None and not f.cleaned_data["enabled"]:
                    continue  # nothing to store for a category left without a rule
                f.save()
                changes[cat.code] = {"days": f.instance.days, "enabled": f.instance.enabled}
        if changes:
            journal.record("gdpr.retention_changed", request=request, details=changes)
        messages.success(request, _("Retention rules saved."))
        return redirect("gdpr:retention")
    return render(request, "gdpr/retention.html", {"forms": forms})


@permission_required(REGISTER)
@require_POST
def retention_run(request):
    result = services.purge_expired(actor=request.user)
    total = sum(v["count"] for v in result["removed"].values())
    messages.success(
        request, _("Purge done: %(n)s record(s) removed or anonymised.") % {"n": total}
    )
    for label, error in result["errors"].items():
        messages.error(request, f"{label}: {error}")
    return redirect("gdpr:retention")


# --- Register of processing activities ---------------------------------------------------


@permission_required(REGISTER)
def register(request):
    return render(request, "gdpr/register.html", {"activities": ProcessingActivity.objects.all()})


@permission_required(REGISTER)
def register_print(request):
    return render(
        request, "gdpr/register_print.html", {"activities": ProcessingActivity.objects.all()}
    )


@permission_required(REGISTER)
def register_edit(request, pk=None):
    activity = get_object_or_404(ProcessingActivity, pk=pk) if pk else None
    form = ProcessingActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        journal.record(
            "gdpr.register_created" if activity is None else "gdpr.register_changed",
            request=request,
            obj=obj,
            details={"fields": form.changed_data},
        )
        messages.success(request, _("Processing activity saved."))
        return redirect("gdpr:register")
    return render(request, "gdpr/register_edit.html", {"form": form, "activity": activity})


@permission_required(REGISTER)
def register_delete(request, pk):
    activity = get_object_or_404(ProcessingActivity, pk=pk)
    if request.method == "POST":
        journal.record("gdpr.register_deleted", request=request, obj=activity)
        activity.delete()
        messages.success(request, _("Processing activity deleted."))
        return redirect("gdpr:register")
    return render(request, "gdpr/register_delete.html", {"activity": activity})


# --- Privacy notices -------------------------------------------------------------------------


@permission_required(REGISTER)
def notices(request):
    return render(request, "gdpr/notices.html", {"notices": PrivacyNotice.objects.all()})


@permission_required(REGISTER)
def notice_edit(request, pk):
    notice = get_object_or_404(PrivacyNotice, pk=pk)
    form = PrivacyNoticeForm(request.POST or None, instance=notice)
    if request.method == "POST" and form.is_valid():
        form.save()
        journal.record(
            "gdpr.notice_changed",
            request=request,
            obj=notice,
            details={"fields": form.changed_data},
        )
        messages.success(request, _("Notice saved."))
        return redirect("gdpr:notices")
    return render(request, "gdpr/notice_edit.html", {"form": form, "notice": notice})


# --- Reversibility -----------------------------------------------------------------------


@permission_required(EXPORT_ALL)
def export_all(request):
    if request.method == "POST":
        job = jobs.create("gdpr.export_all", _("Complete data export"), owner=request.user)
        journal.record("gdpr.export_all_requested", request=request)
        tasks.export_all_archive.enqueue(str(job.pk), request.user.pk, get_language() or "fr")
        return redirect("core:job_status", pk=job.pk)
    recent = request.user.jobs.filter(kind="gdpr.export_all")[:5]
    return render(request, "gdpr/export_all.html", {"recent": recent})


# --- Register of personal-data breaches (art. 33) ----------------------------------------

BREACHES = "gdpr.manage_breaches"


@permission_required(BREACHES)
def breaches_list(request):

    rows = [(b, service.deadlines(b)) for b in Breach.objects.all()]
    return render(request, "gdpr/breaches.html", {"rows": rows})


@permission_required(BREACHES)
def breach_edit(request, pk=None):

    breach = get_object_or_404(Breach, pk=pk) if pk else None
    initial = {}
    if breach is None:
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {"discovered_at": now, "dpo_email": service.default_dpo_email()}
    form = BreachForm(request.POST or None, instance=breach, initial=initial)
    if request.method == "POST" and form.is_valid():
        if breach is None:
            breach = service.record(actor=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("Breach recorded. Notify the data protection officer now."))
        else:
            service.update(form.save(commit=False), form.changed_data, request=request)
            messages.success(request, _("Breach updated."))
        return redirect("gdpr:breach_detail", breach.pk)
    return render(request, "gdpr/breach_edit.html", {"form": form, "breach": breach})


@permission_required(BREACHES)
def breach_detail(request, pk):

    breach = get_object_or_404(Breach, pk=pk)
    cnil_form = CnilNotifiedForm(request.POST if request.POST.get("action") == "cnil" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "dpo":
                service.notify_dpo(breach, actor=request.user, request=request)
                messages.success(request, _("The data protection officer has been mailed."))
            elif action == "cnil" and cnil_form.is_valid():
                service.mark_cnil_notified(
                    breach,
                    cnil_form.cleaned_data["reference"],
                    late_reason=cnil_form.cleaned_data["late_reason"],
                    actor=request.user,
                    request=request,
                )
                messages.success(request, _("Notification to the CNIL recorded."))
            elif action == "people":
                service.mark_people_informed(breach, actor=request.user, request=request)
                messages.success(request, _("Information of the people concerned recorded."))
            elif action == "close":
                service.close(breach, actor=request.user, request=request)
                messages.success(request, _("Breach closed."))
            else:
                raise ValueError(_("Check the form below."))
            return redirect("gdpr:breach_detail", breach.pk)
        except ValueError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "gdpr/breach_detail.html",
        {
            "breach": breach,
            "deadlines": service.deadlines(breach),
            "cnil_required": service.cnil_required(breach),
            "cnil_deadline": service.cnil_deadline(breach),
            "cnil_form": cnil_form,
        },
    )


@permission_required(BREACHES)
def breach_cnil(request, pk):
    """The CNIL notification prepared from the register, to print or copy into its form."""

    breach = get_object_or_404(Breach, pk=pk)
    journal.record("gdpr.breach_cnil_prepared", request=request, obj=breach)
    return render(
        request,
        "gdpr/breach_cnil.html",
        {
            "breach": breach,
            "cnil_deadline": service.cnil_deadline(breach),
            "late": (breach.cnil_notified_at or timezone.now()) > service.cnil_deadline(breach),
        },
    )
