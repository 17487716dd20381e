from auditlog.models import LogEntry
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import accounts, journal
from ..models import LoginEvent, Organisation, Role, RoleAssignment, Unit, User
from ..nav import entries_for
from ..permissions import has_perm, permission_required
from . import filters
from .forms import (
    AssignmentForm,
    JournalFilterForm,
    OrganisationForm,
    RoleForm,
    UnitForm,
    UserCreateForm,
)


def _page(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@permission_required("core.access_backoffice")
def home(request):
    from .. import home as sections

    org = Organisation.get()
    return render(
        request,
        "core/backoffice/home.html",
        {
            "org": org,
            # What the person manages in each module, and what needs their action, first.
            "module_sections": sections.render_backoffice_sections(request),
            "entries": entries_for(request.user),
            # Only the entries of the scopes where the reader holds the journal right.
            "recent": (
                journal.visible_entries(request.user)[:10]
                if has_perm(request.user, "core.view_journal")
                else None
            ),
            # Platform figures (accounts, logins) are administration: only for those who
            # manage administrators, not for every back-office role (a social worker, a clerk).
            "counts": (
                {
                    "users": User.objects.count(),
                    "admins": RoleAssignment.objects.values("user").distinct().count(),
                    "logins_today": LoginEvent.objects.filter(
                        kind=LoginEvent.Kind.LOGIN,
                        created_at__date=timezone.localdate(),
                    ).count(),
                }
                if has_perm(request.user, "core.manage_administrators")
                else None
            ),
        },
    )


# --- Action journal -------------------------------------------------------------------


@permission_required("core.view_journal")
def journal_list(request):
    form, qs = filters.journal(request.GET, request.user)
    return render(
        request, "core/backoffice/journal.html", {"form": form, "page": _page(request, qs)}
    )


@permission_required("core.view_journal")
def changes(request):
    form = JournalFilterForm(request.GET or None)
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    qs = journal.visible_changes(request.user, qs)
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(
                Q(object_repr__icontains=q)
                | Q(actor__email__icontains=q)
                | Q(remote_addr__icontains=q)
            )
        if form.cleaned_data["action"]:
            qs = qs.filter(content_type__model__icontains=form.cleaned_data["action"])
        start, end = filters.day_bounds(form)
        if start:
            qs = qs.filter(timestamp__gte=start)
        if end:
            qs = qs.filter(timestamp__lte=end)
    return render(
        request, "core/backoffice/changes.html", {"form": form, "page": _page(request, qs)}
    )


@permission_required("core.view_login_journal")
def login_journal(request):
    form, qs = filters.login_journal(request.GET)
    return render(
        request, "core/backoffice/login_journal.html", {"form": form, "page": _page(request, qs)}
    )


# --- Users and roles ------------------------------------------------------------------


@permission_required("core.manage_administrators")
def users(request):
    q, qs = filters.users(request.GET)
    qs = qs.prefetch_related("role_assignments__role")
    return render(request, "core/backoffice/users.html", {"q": q, "page": _page(request, qs)})


@permission_required("core.manage_administrators")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            data = form.cleaned_data
            user, _created = accounts.get_or_create(
                data["email"],
                data["full_name"],
                phone=data["phone"],
                language=data["language"],
                verified=True,
            )
            journal.record("admin.user_created", request=request, obj=user)
            # Invitation: the person chooses their password through the mailed link.
            accounts.invite(user, request=request)
        messages.success(
            request, _("%(email)s has been created and invited by e-mail.") % {"email": user.email}
        )
        return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/backoffice/user_create.html", {"form": form})


@permission_required("core.manage_administrators")
def user_detail(request, pk):
    target = get_object_or_404(User, pk=pk)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _assignment, created = accounts.grant(
                target, form.cleaned_data["role"], form.cleaned_data["scope"], request=request
            )
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
        else:
            if created:
                messages.success(request, _("Role assigned."))
            else:
                messages.info(request, _("This user already holds that role on that scope."))
            return redirect("core:user_detail", pk=target.pk)
    return render(
        request,
        "core/backoffice/user_detail.html",
        {
            "target": target,
            "assignments": target.role_assignments.select_related("role"),
            "form": form,
        },
    )


@permission_required("core.manage_administrators")
@require_POST
def assignment_revoke(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("role", "user"), pk=pk)
    try:
        accounts.revoke(assignment, request=request)
    except accounts.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role removed."))
    return redirect("core:user_detail", pk=assignment.user_id)


@permission_required("core.manage_administrators")
def roles(request):
    return render(request, "core/backoffice/roles.html", {"roles": Role.objects.all()})


@permission_required("core.manage_administrators")
def role_edit(request, pk=None):
    role = get_object_or_404(Role, pk=pk) if pk else None
    if role is not None and role.is_system:
        messages.info(request, _("System roles cannot be changed."))
        return redirect("core:roles")
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        role = accounts.save_role(form.save(commit=False), request=request)
        messages.success(request, _("Role saved."))
        return redirect("core:roles")
    return render(request, "core/backoffice/role_edit.html", {"form": form, "role": role})


# --- Organisation -----------------------------------------------------------------------


@permission_required("core.manage_organisation")
def organisation(request):
    org = Organisation.get()
    form = OrganisationForm(request.POST or None, instance=org, prefix="org")
    unit_form = UnitForm(prefix="unit")
    if request.method == "POST" and "save_org" in request.POST and form.is_valid():
        form.save()
        journal.record(
            "admin.organisation_saved",
            request=request,
            obj=org,
            details={"changed": form.changed_data},
        )
        messages.success(request, _("Settings saved."))
        return redirect("core:organisation")
    if request.method == "POST" and "add_unit" in request.POST:
        form = OrganisationForm(instance=org, prefix="org")
        unit_form = UnitForm(request.POST, prefix="unit")
        if unit_form.is_valid():
            unit = unit_form.save()
            journal.record("admin.unit_created", request=request, obj=unit)
            messages.success(request, _("Unit added."))
            return redirect("core:organisation")
    units = Unit.objects.select_related("parent")
    return render(
        request,
        "core/backoffice/organisation.html",
        {"form": form, "unit_form": unit_form, "units": units},
    )
