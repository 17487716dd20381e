"""Front office: public event pages, registration, catalogue; the participant area."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.views import serve as wagtail_serve

from civitas.core.params import int_param
from civitas.core.permissions import login_required, public
from civitas.core.sites import absolute_url

from ..forms import CatalogueSearchForm, CompanyForm, error_summary
from ..models import Company, Event, MeetingRequest, Offer, Representative
from ..services import ServiceError, agenda, minisite, moderation, registration, suggestions
from ..services import catalogue as catalogue_service
from ..services import experts as experts_service
from ..services import meetings as meeting_services
from .closed import minisite_open
from .forms import OfferForm, OfferFormSet, RepresentativeFormSet, RequestForm


def _event(slug) -> Event:
    return get_object_or_404(Event, slug=slug, is_published=True)


@public
def event_list(request):
    from ..services.public import past_events, public_events

    return render(
        request,
        "events/public/event_list.html",
        {"events": public_events(), "past": past_events()[:20]},
    )


@public
@minisite_open
def event_page(request, slug):
    """The mini-site's welcome page (a Wagtail page served at this very address); the
    plain page while the event has no live mini-site."""
    event = _event(slug)
    root = minisite.site_page(event)
    url = root.get_url(request) if root is not None else None
    if url is None:
        return render(request, "events/public/event_page.html", {"event": event})
    if url != request.path:
        return redirect(url)
    return wagtail_serve(request, request.path)


@public
def theme_css(request, slug):
    """The event's colours as a stylesheet (the CSP forbids inline styles)."""
    event = _event(slug)
    css = (
        f".event-frame {{ --event-primary: {event.primary_colour}; "
        f"--event-secondary: {event.secondary_colour}; }}\n"
    )
    return HttpResponse(css, content_type="text/css")


@public
@minisite_open
def register(request, slug):
    event = _event(slug)
    if not event.registration_is_open():
        return render(request, "events/public/registration_closed.html", {"event": event})
    kw = {"form_kwargs": {"event": event}}
    rep_kw = {"form_kwargs": {"event": event, "animations": True}}
    data = _resized(request.POST) if request.method == "POST" else None
    if data is not None:
        # Without JavaScript: one more blank block, or one block less; what was typed is
        # redisplayed, without errors.
        form = CompanyForm(data, event=event, prefix="company")
        reps = RepresentativeFormSet(data, prefix="rep", **rep_kw)
        offers = OfferFormSet(data, prefix="offer", **kw)
        _no_errors(form, reps, offers)
    elif request.method == "POST":
        form = CompanyForm(request.POST, event=event, prefix="company")
        reps = RepresentativeFormSet(request.POST, prefix="rep", **rep_kw)
        offers = OfferFormSet(request.POST, request.FILES, prefix="offer", **kw)
        if form.is_valid() and reps.is_valid() and offers.is_valid():
            rep_objs = [f.save(commit=False) for f in reps.forms]
            absences = [f.cleaned_data.get("absent_sessions") for f in reps.forms]
            try:
                company = registration.register_company(
                    event,
                    form.save(commit=False),
                    rep_objs,
                    [f.instance_for_registration() for f in offers.forms],
                    request=request,
                )
                for rep, absent in zip(rep_objs, absences, strict=True):
                    if rep.pk:  # an address already registered is left out
                        rep.absent_sessions.set(absent or [])
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                _register_animations(request, rep_objs, reps.forms)
                request.session["events_registered"] = company.pk
                return redirect("events:register_done", slug=event.slug)
    else:
        form = CompanyForm(event=event, prefix="company")
        reps = RepresentativeFormSet(prefix="rep", **rep_kw)
        offers = OfferFormSet(prefix="offer", **kw)
    summary = error_summary(
        [
            (form, "", "company-section"),
            (reps, _("Representative"), "reps-section"),
            (offers, _("Offer or request"), "offers-section"),
        ]
    )
    return render(
        request,
        "events/public/register.html",
        {
            "event": event,
            "form": form,
            "reps": reps,
            "offers": offers,
            "summary": summary,
            "max_blocks": MAX_BLOCKS,
        },
    )


MAX_BLOCKS = 20
# Buttons of the form that change the number of blocks: name -> formset prefix.
_ADD = {"add_rep": "rep", "add_offer": "offer"}
_REMOVE = {"remove_rep": "rep", "remove_offer": "offer"}


def _resized(post):
    """The registration data with one more blank block (an "add" button) or without the
    block whose "remove" button was pressed (the next blocks take its place); None when the
    form was sent to register."""
    for button, prefix in _ADD.items():
        if button in post:
            data = post.copy()
            key = f"{prefix}-TOTAL_FORMS"
            data[key] = str(min((int_param(data.get(key), max_value=MAX_BLOCKS) or 1) + 1, 20))
            return data
    for button, prefix in _REMOVE.items():
        if button in post:
            index = int_param(post.get(button), min_value=0, max_value=MAX_BLOCKS)
            return _without_block(post, prefix, index)
    return None


def _without_block(post, prefix, index):
    data = post.copy()
    key = f"{prefix}-TOTAL_FORMS"
    total = int_param(data.get(key), max_value=MAX_BLOCKS) or 1
    if index is None or total <= 1 or index >= total:
        return data  # the last block stays: at least one is needed
    moved = {}
    for name in list(data.keys()):
        head, sep, rest = name.partition("-")
        number, sep2, field = rest.partition("-")
        if head != prefix or not sep or not sep2 or not number.isdigit():
            continue
        values = data.getlist(name)
        del data[name]
        n = int(number)
        if n != index:
            moved[f"{prefix}-{n - 1 if n > index else n}-{field}"] = values
    for name, values in moved.items():
        data.setlist(name, values)
    data[key] = str(total - 1)
    return data


def _register_animations(request, rep_objs, rep_forms):
    """The animations ticked in the registration form: a seat, the waiting list, or a
    message saying why not (the company's registration stands either way)."""
    from ..services import animations

    for rep, f in zip(rep_objs, rep_forms, strict=True):
        if not rep.pk:
            continue
        for animation in f.cleaned_data.get("animations") or []:
            try:
                animations.register(animation, rep)
            except ServiceError as exc:
                messages.warning(
                    request,
                    _("%(animation)s: %(reason)s") % {"animation": animation.title, "reason": exc},
                )


def _no_errors(form, *formsets):
    form._errors = ErrorDict()
    for fs in formsets:
        fs._errors = []
        fs._non_form_errors = ErrorList()
        for f in fs.forms:
            f._errors = ErrorDict()


@public
@minisite_open
def register_done(request, slug):
    event = _event(slug)
    return render(request, "events/public/register_done.html", {"event": event})


SORTS = {
    "relevance": (),
    "name": ("name",),
    "country": ("country", "name"),
    "sector": ("sector__code", "sector__label_fr", "name"),
    "country_sector": ("country", "sector__code", "name"),
}


@public
@minisite_open
def catalogue(request, slug):
    event = _event(slug)
    search = CatalogueSearchForm(request.GET)
    search.is_valid()  # a bad sector is a form error; the page answers 400
    q, sector = search.query()
    country = search.country_code()
    qs = catalogue_service.public_companies(event, q, sector, country).select_related("sector")
    # A search comes by relevance (the service's order) unless another sort is chosen.
    sort = request.GET.get("sort") or ("relevance" if q else "name")
    if sort not in SORTS:
        sort = "relevance" if q else "name"
    if sort != "relevance":
        qs = qs.order_by(*SORTS[sort], "pk")
    # The page shows the offers and their keywords (not the key figures, only searched):
    # loaded once for the page, into lists (`to_attr`) the template reads without a query.
    qs = qs.prefetch_related(
        Prefetch(
            "offers",
            queryset=moderation.visible_offers().prefetch_related(
                Prefetch("keywords", to_attr="keyword_list")
            ),
            to_attr="visible_offer_list",
        )
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public/catalogue.html",
        {
            "event": event,
            "page": page,
            "q": q,
            "sort": sort,
            "sector": "" if sector is None else str(sector),
            "search": search,
            "max_words": catalogue_service.MAX_WORDS,
            "sectors": event.sectors.all(),
            "country": country,
            "countries": catalogue_service.public_countries(event),
            "sorts": _sort_labels(),
            # Experts are listed too (003 §4.1.2), on the first page, with the same search.
            "experts": experts_service.public_experts(event, q, sector) if page.number == 1 else [],
        },
        status=400 if search.errors else 200,
    )


def _sort_labels():
    return [
        ("relevance", _("Relevance")),
        ("name", _("Alphabetical")),
        ("country", _("Country")),
        ("sector", _("Sector")),
        ("country_sector", _("Country, then sector")),
    ]


@public
@minisite_open
def company_detail(request, slug, pk):
    event = _event(slug)
    company = get_object_or_404(
        Company.objects.select_related("sector"),
        pk=pk,
        event=event,
        status=Company.Status.VALIDATED,
    )
    me = meeting_services.representative_for(request.user, event)
    # Contact details and booking only for participants of the event.
    show_contacts = me is not None and me.company.status == Company.Status.VALIDATED
    return render(
        request,
        "events/public/company_detail.html",
        {
            "event": event,
            "company": company,
            "offers": moderation.visible_offers(company.offers.all())
            .select_related("cooperation_type")
            .prefetch_related("keywords", "key_figures"),
            "me": me,
            "show_contacts": show_contacts,
            "representatives": (
                moderation.visible_representatives(company.representatives.all())
                if show_contacts
                else []
            ),
        },
    )


@public
def calendar_feed(request, token):
    rep = get_object_or_404(
        Representative.objects.select_related("company__event"), calendar_token=token
    )
    response = HttpResponse(
        agenda.icalendar(rep, request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{rep.company.event.slug}.ics"'
    return response


# --- Participant area -----------------------------------------------------------------------


def _me(request, slug):
    event = get_object_or_404(Event, slug=slug)
    return event, meeting_services.representative_for(request.user, event)


def _not_registered(request, event):
    return render(request, "events/area/not_registered.html", {"event": event})


@login_required
def area_home(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    related = ("sender__company", "recipient__company", "slot")
    prefs = "preferred_sessions__day"
    received = (
        MeetingRequest.objects.filter(recipient=me).select_related(*related).prefetch_related(prefs)
    )
    sent = MeetingRequest.objects.filter(sender=me).select_related(*related).prefetch_related(prefs)
    return render(
        request,
        "events/area/home.html",
        {
            "event": event,
            "me": me,
            "company": me.company,
            "received": received.order_by("-created_at")[:100],
            "sent": sent.order_by("-created_at")[:100],
            "colleagues": me.company.representatives.all(),
            "offers": me.company.offers.all(),
        },
    )


@login_required
def area_company(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    form = CompanyForm(request.POST or None, instance=me.company, event=event, prefix="company")
    if request.method == "POST" and form.is_valid():
        registration.update_company(form.save(commit=False), by=me, request=request)
        messages.success(request, _("Your company's profile is saved."))
        return redirect("events:area_home", slug=slug)
    return render(
        request,
        "events/regform/area_company.html",
        {
            "event": event,
            "form": form,
            "title": _("My company"),
            "multipart": False,
        },
    )


@login_required
def area_offer(request, slug, pk=None):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    offer = get_object_or_404(Offer, pk=pk, company=me.company) if pk else None
    form = OfferForm(request.POST or None, request.FILES or None, instance=offer, event=event)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if hasattr(form, "attachment_type"):
            obj.attachment_type = form.attachment_type
        registration.save_offer(
            obj,
            by=me,
            keywords=form.cleaned_data["keywords"],
            key_figures=form.cleaned_data.get("key_figures"),
        )
        if obj.is_pending and me.company.status == Company.Status.VALIDATED:
            messages.success(
                request, _("Saved. It will be public once the organisers have validated it.")
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("events:area_home", slug=slug)
    title = _("Edit an offer or request") if offer else _("New offer or request")
    return render(
        request,
        "events/area/form.html",
        {
            "event": event,
            "form": form,
            "title": title,
            "multipart": True,
        },
    )


@login_required
def area_suggestions(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    return render(
        request,
        "events/area/suggestions.html",
        {
            "event": event,
            "me": me,
            "suggestions": suggestions.suggestions(me),
        },
    )


@login_required
def area_request_new(request, slug, rep_pk):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    target = get_object_or_404(
        Representative.objects.select_related("company"),
        pk=rep_pk,
        company__event=event,
        company__status=Company.Status.VALIDATED,
    )
    if not target.is_validated:
        # Not public yet: say so rather than a bare "not found".
        messages.error(
            request,
            _("%(name)s is awaiting the organisers' validation: you cannot ask for a meeting yet.")
            % {"name": target.full_name},
        )
        return redirect("events:catalogue", slug=slug)
    form = RequestForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.send_request(
                me,
                target,
                form.cleaned_data["message"],
                form.cleaned_data.get("slot"),
                preferred_sessions=form.cleaned_data.get("preferred_sessions") or (),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request has been sent."))
            return redirect("events:area_home", slug=slug)
    return render(
        request,
        "events/area/request_new.html",
        {
            "event": event,
            "form": form,
            "target": target,
        },
    )


ACTIONS = {
    "accept": meeting_services.accept_request,
    "decline": meeting_services.decline_request,
    "confirm": meeting_services.confirm_request,
    "cancel": meeting_services.cancel_request,
}


@login_required
@require_POST
def area_request_action(request, slug, pk, action):
    event, me = _me(request, slug)
    if me is None or action not in ACTIONS:
        raise Http404
    req = get_object_or_404(MeetingRequest, pk=pk, event=event)
    if me.pk not in (req.sender_id, req.recipient_id):
        raise Http404
    try:
        ACTIONS[action](req, me)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("events:area_home", slug=slug)


@login_required
def area_agenda(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    feed = absolute_url("events:calendar_feed", token=me.calendar_token)
    return render(
        request,
        "events/area/agenda.html",
        {
            "event": event,
            "me": me,
            "days": agenda.by_day(me),
            "feed_url": feed,
        },
    )
