"""Back-office screens (messages, templates, mailings) and the public unsubscribe page."""

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateSyntaxError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.params import int_param
from civitas.core.permissions import permission_required, public

from . import conf, services, templates
from .forms import MailingForm, MessageFilterForm, TemplateForm, UnsubscribeForm
from .models import Mailing, Message, MessageTemplate


def _page(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


# --- Messages ---------------------------------------------------------------------------


@permission_required("outbox.view_messages")
def message_list(request):
    form = MessageFilterForm(request.GET or None)
    qs = Message.objects.all()
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(to__icontains=q) | Q(subject__icontains=q) | Q(cc__icontains=q))
        if form.cleaned_data["state"]:
            qs = qs.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["channel"]:
            qs = qs.filter(channel=form.cleaned_data["channel"])
    mailing = int_param(request.GET.get("mailing"))
    if mailing is not None:
        qs = qs.filter(mailing_id=mailing)
    return render(
        request,
        "outbox/backoffice/messages.html",
        {"form": form, "page": _page(request, qs.select_related("mailing"))},
    )


@permission_required("outbox.view_messages")
def message_detail(request, pk):
    message = get_object_or_404(Message, pk=pk)
    journal.record("outbox.message_viewed", request=request, obj=message)
    return render(
        request,
        "outbox/backoffice/message_detail.html",
        {"message": message, "resends": message.resends.all()},
    )


@permission_required("outbox.view_messages")
@require_POST
def message_resend(request, pk):
    message = get_object_or_404(Message, pk=pk)
    try:
        target = services.resend(message, request=request)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("outbox:message_detail", pk=message.pk)
    messages.success(request, _("The message has been queued again."))
    return redirect("outbox:message_detail", pk=target.pk)


# --- Templates --------------------------------------------------------------------------


@permission_required("outbox.manage_templates")
def template_list(request):
    edited = {
        (t.code, t.language, t.channel): t
        for t in MessageTemplate.objects.filter(scope_type="organisation", scope_id=1)
    }
    rows = []
    for reg in templates.all_templates():
        for channel in reg.channels:
            for lang in templates.LANGUAGES:
                rows.append(
                    {
                        "registered": reg,
                        "channel": channel,
                        "language": lang,
                        "edited": edited.get((reg.code, lang, channel)),
                    }
                )
    return render(request, "outbox/backoffice/templates.html", {"rows": rows})


def _registered_or_404(code, language, channel):
    try:
        reg = templates.get(code)
    except KeyError:
        raise Http404 from None
    if language not in templates.LANGUAGES or channel not in reg.channels:
        raise Http404
    return reg


@permission_required("outbox.manage_templates")
def template_edit(request, code, language, channel):
    reg = _registered_or_404(code, language, channel)
    instance = MessageTemplate.objects.filter(
        code=code, scope_type="organisation", scope_id=1, language=language, channel=channel
    ).first()
    initial = {}
    if instance is None:
        subject, body = reg.default(language)
        initial = {"subject": subject, "body": body}
    form = TemplateForm(
        request.POST or None, instance=instance, initial=initial, registered=reg, channel=channel
    )
    if request.method == "POST" and "reset" in request.POST:
        if instance is not None:
            journal.record("outbox.template_reset", request=request, obj=instance)
            instance.delete()
        messages.success(request, _("The default text is used again."))
        return redirect("outbox:template_edit", code=code, language=language, channel=channel)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            tpl = form.save(commit=False)
            tpl.code, tpl.language, tpl.channel = code, language, channel
            tpl.scope_type, tpl.scope_id = "organisation", 1
            tpl.updated_by = request.user
            tpl.save()
            journal.record(
                "outbox.template_saved",
                request=request,
                obj=tpl,
                details={"changed": form.changed_data},
            )
        messages.success(request, _("Template saved."))
        return redirect("outbox:template_edit", code=code, language=language, channel=channel)
    if form.is_bound:
        data = form.data
    elif instance is not None:
        data = {"subject": instance.subject, "body": instance.body}
    else:
        data = initial
    preview = _preview(reg, data)
    return render(
        request,
        "outbox/backoffice/template_edit.html",
        {
            "form": form,
            "registered": reg,
            "language": language,
            "channel": channel,
            "instance": instance,
            "preview": preview,
        },
    )


def _preview(reg, data):
    sample = {name: f"[{name}]" for name in reg.all_placeholders}
    sample.update(services.common_context())
    out = {"subject": "", "body": "", "error": ""}
    try:
        out["subject"] = templates.render(data.get("subject", "") or "", sample).strip()
        out["body"] = templates.render(data.get("body", "") or "", sample)
    except TemplateSyntaxError as exc:
        out["error"] = str(exc)
    return out


@permission_required("outbox.manage_templates")
@require_POST
def template_preview(request, code, language, channel):
    reg = _registered_or_404(code, language, channel)
    return render(
        request,
        "outbox/backoffice/_preview.html",
        {"preview": _preview(reg, request.POST), "channel": channel},
    )


# --- Mailings ---------------------------------------------------------------------------


@permission_required("outbox.send_mailings")
def mailing_list(request):
    return render(
        request,
        "outbox/backoffice/mailings.html",
        {"page": _page(request, Mailing.objects.select_related("created_by"))},
    )


@permission_required("outbox.send_mailings")
def mailing_create(request):
    form = MailingForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            count, subject, body = services.preview_mailing(
                form.cleaned_data["subject"],
                form.cleaned_data["body"],
                form.cleaned_data["source"],
                form.params(),
            )
            preview = {"count": count, "subject": subject, "body": body}
        else:
            data = form.cleaned_data
            try:
                mailing = services.create_mailing(
                    source=data["source"],
                    params=form.params(),
                    subject=data["subject"],
                    body=data["body"],
                    category=data["category"],
                    essential=data["essential"],
                    language=data["language"],
                    user=request.user,
                    request=request,
                )
            except services.MailingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The mailing is being sent."))
                return redirect("outbox:mailing_detail", pk=mailing.pk)
    return render(
        request,
        "outbox/backoffice/mailing_create.html",
        {"form": form, "preview": preview, "rate": conf.mailing_rate()},
    )


@permission_required("outbox.send_mailings")
def mailing_detail(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    return render(
        request,
        "outbox/backoffice/mailing_detail.html",
        {"mailing": mailing, "progress": services.mailing_progress(mailing)},
    )


@permission_required("outbox.send_mailings")
def mailing_progress(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    return render(
        request,
        "outbox/backoffice/_mailing_progress.html",
        {"mailing": mailing, "progress": services.mailing_progress(mailing)},
    )


# --- Public: unsubscribe ---------------------------------------------------------------


@public
def unsubscribe(request, token):
    try:
        address, category = services.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "outbox/public/unsubscribe.html", {"invalid": True}, status=400)
    form = UnsubscribeForm(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        services.opt_out(address, category)
        if form.cleaned_data["everything"]:
            services.opt_out(address, "*")
        done = True
    return render(
        request,
        "outbox/public/unsubscribe.html",
        {"address": address, "category": category, "form": form, "done": done},
    )
