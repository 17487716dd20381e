from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import journal
from ..models import LoginEvent, Organisation, Role, RoleAssignment, Unit, User
from ..nav import entries_for
from ..permissions import clear_cache, has_perm, permission_required
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
    org = Organisation.get()
    return render(
        request,
        "core/backoffice/home.html",
        {
            "org": org,
            "entries": entries_for(request.user),
            # Only the entries of the scopes where the reader holds the journal right.
            "recent": (
                journal.visible_entries(request.user)[:10]
                if has_perm(request.user, "core.view_journal")
                else None
            ),
            "counts": {
                "users": User.objects.count(),
                "admins": RoleAssignment.objects.values("user").distinct().count(),
                "logins_today": LoginEvent.objects.filter(
                    kind=LoginEvent.Kind.LOGIN,
                    created_at__date=timezone.localdate(),
                ).count(),
            },
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
            user = form.save(commit=False)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
            journal.record("admin.user_created", request=request, obj=user)
        # Invitation: the person chooses their password through the reset link.
        reset = ResetPasswordForm(data={"email": user.email})
        if reset.is_valid():
            reset.save(request)
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
        scope_type, scope_id = form.cleaned_data["scope"]
        role = form.cleaned_data["role"]
        if role.is_principal and not request.user.is_superuser and not _is_principal(request.user):
            messages.error(request, _("Only a principal administrator can grant that role."))
        else:
            assignment, created = RoleAssignment.objects.get_or_create(
                user=target,
                role=role,
                scope_type=scope_type,
                scope_id=scope_id,
                defaults={"created_by": request.user},
            )
            if created:
                journal.record(
                    "admin.role_assigned",
                    request=request,
                    obj=target,
                    details={"role": role.code, "scope": f"{scope_type}:{scope_id}"},
                )
                clear_cache(target)
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


def _is_principal(user):
    return RoleAssignment.objects.filter(user=user, role__code=Role.PRINCIPAL_ADMIN).exists()


@permission_required("core.manage_administrators")
@require_POST
def assignment_revoke(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("role", "user"), pk=pk)
    if assignment.role.is_principal and (
        RoleAssignment.objects.filter(role=assignment.role).count() <= 1
    ):
        messages.error(request, _("The last principal administrator cannot be removed."))
    else:
        journal.record(
            "admin.role_revoked",
            request=request,
            obj=assignment.user,
            details={
                "role": assignment.role.code,
                "scope": f"{assignment.scope_type}:{assignment.scope_id}",
            },
        )
        assignment.delete()
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
        role = form.save()
        journal.record(
            "admin.role_saved",
            request=request,
            obj=role,
            details={"permissions": sorted(role.permissions)},
        )
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
