"""The person's API tokens: list, create (the key is shown once), revoke."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import tokens
from ..permissions import login_required


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “CRM synchronisation”."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=tokens.MAX_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = tokens.default_days()


@login_required
@never_cache
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = tokens.create_for_session(
                request, form.cleaned_data["name"], form.cleaned_data["days"]
            )
        except tokens.TokenRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Token “%(name)s” created. Copy its key now.") % {"name": token.name}
            )
            form = TokenForm()
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "core/area/tokens.html",
        {"form": form, "tokens": tokens.tokens_of(request.user), "new_key": new_key},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(tokens.tokens_of(request.user), pk=pk)
    tokens.revoke(request, token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("core:api_tokens")
