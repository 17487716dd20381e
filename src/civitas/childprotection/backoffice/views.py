"""Back office of child protection: files, children, assignments, reporter, deadlines."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core import permissions
from civitas.core.models import Unit
from civitas.core.permissions import Access, permission_required

from .. import forms
from ..models import Assignment, Child, File, Reporter, ReporterRequest
from ..services import access, deadlines, files

VIEW, EDIT = access.VIEW, access.EDIT


def territories_for(user, codename=EDIT):
    return permissions.restrict(Unit.objects.filter(kind="territory"), user, codename)


def file_view(codename=VIEW):
    """Load the file named by the URL once; the user needs `codename` on it (its territory
    or a service it is assigned to), or a running break-glass access. Out of scope: the
    break-glass page for those who may use it, 403 for the others."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not permissions.has_perm(request.user, codename):
                raise PermissionDenied(codename)
            file = get_object_or_404(File.objects.alive(), pk=pk)
            allowed = (
                access.can_edit(request.user, file)
                if codename == EDIT
                else access.can_read(request.user, file)
            )
            if not allowed:
                if access.can_break_glass(request.user):
                    return redirect("childprotection:break_glass", pk=file.pk)
                raise PermissionDenied(codename)
            request.cp_file = file
            return view(request, file, *args, **kwargs)

        wrapper.civitas_access = Access("permission", codename)
        return wrapper

    return decorator


@permission_required(VIEW)
def file_list(request):
    territories = territories_for(request.user, VIEW)
    form = forms.SearchForm(request.GET or None, territories=territories)
    # The search orders its results (best name match first on PostgreSQL, then newest).
    criteria = form.cleaned_data if form.is_valid() else {}
    qs = files.search(request.user, **criteria)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "childprotection/backoffice/file_list.html",
        {
            "form": form,
            "page_obj": page,
            "count": page.paginator.count,
            "can_edit": permissions.has_perm(request.user, EDIT),
        },
    )


def _save_children(formset, file):
    formset.instance = file
    formset.save()


@permission_required(EDIT)
def file_create(request):
    territories = territories_for(request.user)
    form = forms.FileForm(request.POST or None, territories=territories, prefix="file")
    children = forms.ChildFormSet(request.POST or None, prefix="children")
    reporter = forms.ReporterForm(request.POST or None, prefix="reporter")
    if request.method == "POST" and form.is_valid() and children.is_valid() and reporter.is_valid():
        with transaction.atomic():
            file = files.save_file(form.save(commit=False), user=request.user, request=request)
            _save_children(children, file)
            rep = reporter.save(commit=False)
            rep.file = file
            rep.save()
            files.refresh_deadline(file)
        messages.success(request, _("File %(number)s recorded.") % {"number": file.number})
        return redirect(file)
    return render(
        request,
        "childprotection/backoffice/file_form.html",
        {"form": form, "children": children, "reporter": reporter, "title": _("New file")},
    )


@file_view(EDIT)
def file_edit(request, file):
    territories = territories_for(request.user) | Unit.objects.filter(pk=file.territory_id)
    form = forms.FileForm(
        request.POST or None, instance=file, territories=territories.distinct(), prefix="file"
    )
    children = forms.ChildFormSet(request.POST or None, instance=file, prefix="children")
    show_reporter = permissions.has_perm(request.user, "childprotection.view_reporter", file)
    reporter = (
        forms.ReporterForm(
            request.POST or None, instance=files.ensure_reporter(file), prefix="reporter"
        )
        if show_reporter
        else None
    )
    valid = form.is_valid() and children.is_valid() and (reporter is None or reporter.is_valid())
    if request.method == "POST" and valid:
        with transaction.atomic():
            files.save_file(form.save(commit=False), user=request.user, request=request)
            _save_children(children, file)
            if reporter is not None:
                reporter.save()
            files.refresh_deadline(file)
        messages.success(request, _("File saved."))
        return redirect(file)
    return render(
        request,
        "childprotection/backoffice/file_form.html",
        {
            "form": form,
            "children": children,
            "reporter": reporter,
            "file": file,
            "title": _("File %(number)s") % {"number": file.number},
        },
    )


@file_view(VIEW)
def file_detail(request, file):
    access.record_read(request, file)
    show_reporter = permissions.has_perm(request.user, "childprotection.view_reporter", file)
    reporter = Reporter.objects.filter(file=file).first() if show_reporter else None
    children = list(
        file.children.prefetch_related("danger_types", "persons__relationship").select_related(
            "commune", "conclusion", "living_place", "father_pcs", "mother_pcs", "previous_file"
        )
    )
    for child in children:
        child.deadline_state = deadlines.child_state(child)
    return render(
        request,
        "childprotection/backoffice/file_detail.html",
        {
            "file": file,
            "children": children,
            "assignments": file.assignments.select_related("service"),
            "reporter": reporter,
            "show_reporter": show_reporter,
            "requests": file.reporter_requests.all(),
            "can_edit": access.can_edit(request.user, file),
            "deadline_state": deadlines.state(file.evaluation_due)
            if file.status != File.Status.CLOSED
            else "",
            "letters": file.letters.all(),
        },
    )


@file_view(EDIT)
def child_edit(request, file, child_pk):
    child = get_object_or_404(Child, pk=child_pk, file=file)
    form = forms.ChildDetailForm(
        request.POST or None,
        instance=child,
        files=access.visible_files(request.user).exclude(pk=file.pk),
        prefix="child",
    )
    persons = forms.PersonFormSet(request.POST or None, instance=child, prefix="persons")
    if request.method == "POST" and form.is_valid() and persons.is_valid():
        with transaction.atomic():
            form.save()
            persons.save()
            files.refresh_deadline(file)
        messages.success(request, _("Child saved."))
        return redirect(file)
    return render(
        request,
        "childprotection/backoffice/child_form.html",
        {"form": form, "persons": persons, "file": file, "child": child},
    )


@file_view(EDIT)
def assignment_edit(request, file, assignment_pk=None):
    assignment = (
        get_object_or_404(Assignment, pk=assignment_pk, file=file)
        if assignment_pk
        else Assignment(file=file)
    )
    form = forms.AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        form.save()
        from civitas.core import journal

        journal.record(
            "childprotection.assignment_saved",
            request=request,
            obj=file,
            details={"service": str(assignment.service), "task": assignment.task},
        )
        messages.success(request, _("Assignment saved."))
        return redirect(file)
    return render(
        request,
        "childprotection/backoffice/simple_form.html",
        {"form": form, "file": file, "title": _("Assignment")},
    )


@file_view(EDIT)
def reporter_request_edit(request, file, request_pk=None):
    obj = (
        get_object_or_404(ReporterRequest, pk=request_pk, file=file)
        if request_pk
        else ReporterRequest(file=file)
    )
    form = forms.ReporterRequestForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.due_on = deadlines.reporter_request_due(obj.received_on)
        obj.save()
        messages.success(request, _("Reporter's request saved."))
        return redirect(file)
    return render(
        request,
        "childprotection/backoffice/simple_form.html",
        {"form": form, "file": file, "title": _("Reporter's request (D226-2-8)")},
    )


@file_view(EDIT)
def file_delete(request, file):
    form = forms.DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            files.delete_file(file, form.cleaned_data["reason"], user=request.user, request=request)
        except files.FileError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, _("File deleted; it is kept for the legal period."))
            return redirect("childprotection:file_list")
    return render(
        request,
        "childprotection/backoffice/simple_form.html",
        {"form": form, "file": file, "title": _("Delete the file"), "danger": True},
    )


@permission_required("childprotection.break_glass")
def break_glass(request, pk):
    file = get_object_or_404(File.objects.alive(), pk=pk)
    if access.can_read(request.user, file):
        return redirect(file)
    form = forms.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.break_glass(request, file, form.cleaned_data["reason"])
        except access.AccessError as exc:
            form.add_error("reason", str(exc))
        else:
            return redirect(file)
    return render(
        request,
        "childprotection/backoffice/simple_form.html",
        {
            "form": form,
            "title": _("Access outside your scope"),
            "intro": _(
                "This file is outside your scope. You may open it for %(hours)s hours if "
                "your duties require it: write why."
            )
            % {"hours": access.BREAK_GLASS_HOURS},
        },
    )


@permission_required(EDIT)
def known_children(request):
    """HTMX fragment: children already known with the identity being typed."""
    prefix = request.GET.get("prefix", "")
    get = request.GET
    birth = None
    try:
        from datetime import date

        raw = get.get(f"{prefix}-birth_date", "")
        birth = date.fromisoformat(raw) if raw else None
    except ValueError:
        birth = None
    found = files.known_children(
        request.user,
        last_name=get.get(f"{prefix}-last_name", "").strip()[:100],
        first_name=get.get(f"{prefix}-first_name", "").strip()[:100],
        birth_date=birth,
    )
    return render(request, "childprotection/backoffice/known_children.html", {"found": found})


@permission_required(VIEW)
def deadlines_view(request):
    """Children's running evaluation deadlines, overdue and due soon, in the files the user
    may see; a file leaves the screen once all its children are concluded."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    cfg = deadlines.config()
    running = (
        deadlines.running_children()
        .filter(file__in=access.visible_files(request.user))
        .select_related("file__territory")
        .defer("comment", "file__summary", "file__cema_observation")
        .order_by("evaluation_due", "file__number", "pk")
    )
    overdue = list(running.filter(evaluation_due__lt=today)[:200])
    soon = list(
        running.filter(
            evaluation_due__gte=today, evaluation_due__lte=today + timedelta(days=cfg["warn_days"])
        )[:200]
    )
    for child in overdue + soon:
        received = deadlines.received_on(child.file)
        child.age_years = (
            deadlines.age_in_months(child.birth_date, received) // 12 if child.birth_date else None
        )
    requests = (
        ReporterRequest.objects.filter(
            file__in=access.visible_files(request.user), outcome=ReporterRequest.Outcome.PENDING
        )
        .select_related("file")
        .order_by("due_on")
    )
    return render(
        request,
        "childprotection/backoffice/deadlines.html",
        {"overdue": overdue, "soon": soon, "requests": requests[:200], "today": today},
    )
