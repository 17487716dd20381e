"""Which account a representative is: a person's existing account joins a company only when
its holder confirms it from a link mailed to the address.

Anyone may register a company and type any e-mail address. So that the answer does not tell
who already has an account or is already registered, and so that a stranger cannot attach
someone's account to their company:

- an address without an account gets a new account (without a password: the confirmation
  mail carries the link to choose one), exactly as before;
- an address with an account: the representative is saved without an account, and the
  address receives a link (signed, expiring) that attaches the account once its holder,
  logged in, confirms (`confirm`);
- an address already registered for the event is not added again; the address receives a
  notice (`tell_already_registered`) and the registrant sees the usual answer.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import accounts, journal
from civitas.core.outbox import services as outbox
from civitas.core.outbox import templates
from civitas.core.sites import site_url

from ..models import SCOPE_EVENT, Company, Representative
from . import ServiceError, notify

SALT = "civitas.events.join-company"
CONFIRM_TEMPLATE = "events.representative_confirm_account"
DUPLICATE_TEMPLATE = "events.registration_duplicate"


class LinkError(ServiceError):
    """The link cannot be used; `status` is the HTTP status the page answers with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def link_days() -> int:
    return int(getattr(settings, "CIVITAS_EVENTS_JOIN_LINK_DAYS", 7))


def account_for(rep: Representative):
    """(account, created) for a new representative: a new account for a new address; None
    when the address has an account (it joins after confirmation: `ask_confirmation`)."""
    if accounts.find(rep.email) is not None:
        return None, False
    return accounts.get_or_create(rep.email, rep.full_name, phone=rep.phone)


def _site() -> str:
    return site_url()


def confirm_url(rep: Representative, user) -> str:
    token = signing.dumps({"rep": rep.pk, "user": user.pk}, salt=SALT, compress=True)
    path = reverse(
        "events:area_join_company", kwargs={"slug": rep.company.event.slug, "token": token}
    )
    return _site() + path


def ask_confirmation(rep: Representative) -> None:
    """Mail the holder of the representative's address (an existing account) the link that
    attaches their account to the company."""
    user = accounts.find(rep.email)
    if user is None:
        return
    company = rep.company
    notify.tell(
        rep,
        CONFIRM_TEMPLATE,
        sms=False,
        extra={
            "company": company.name,
            "login": user.email,
            "confirm_url": confirm_url(rep, user),
            "days": link_days(),
        },
    )
    journal.record("events.representative_confirmation_asked", obj=rep)


def tell_already_registered(event, email: str, company_name: str) -> None:
    """Notice to an address given again for an event it is already registered for."""
    outbox.queue_templated(
        DUPLICATE_TEMPLATE,
        email,
        {
            "event": event.name,
            "event_url": notify.event_url(event),
            "company": company_name,
            "login": email,
        },
        language="fr",
        scope_type=SCOPE_EVENT,
        scope_id=event.pk,
    )


def check(slug: str, token: str, user, *, lock=False) -> Representative:
    """The representative the link names, if `user` may confirm it; ServiceError with a
    message for the person when the link is invalid, expired or for another account."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_days() * 86400)
    except signing.SignatureExpired:
        raise LinkError(
            _(
                "This confirmation link has expired. Ask the person who registered your "
                "company, or the organisers, to add you again."
            ),
            410,
        ) from None
    except signing.BadSignature:
        raise LinkError(_("This confirmation link is not valid."), 404) from None
    if not isinstance(data, dict):
        raise LinkError(_("This confirmation link is not valid."), 404)
    reps = Representative.objects.select_related("company__event")
    if lock:
        reps = reps.select_for_update(of=("self",))
    rep = reps.filter(pk=data.get("rep"), company__event__slug=slug).first()
    if rep is None or rep.company.status == Company.Status.REJECTED:
        raise LinkError(_("This confirmation link is not valid any more."), 410)
    if data.get("user") != user.pk or rep.email.lower() != user.email.lower():
        raise LinkError(
            _(
                "This link is for another account. Log out, then log in with the account "
                "of the address the message was sent to."
            ),
            403,
        )
    if rep.user_id is not None and rep.user_id != user.pk:
        raise LinkError(_("This confirmation link is not valid any more."), 410)
    return rep


@transaction.atomic
def confirm(slug: str, token: str, user, *, request=None) -> Representative:
    """Attach `user` (logged in) to the representative named in `token` (see `check`);
    ServiceError too if the account has since been registered with another company."""
    rep = check(slug, token, user, lock=True)
    if rep.user_id == user.pk:
        return rep
    event = rep.company.event
    other = (
        Representative.objects.filter(company__event=event, user=user)
        .exclude(company__status=Company.Status.REJECTED)
        .exclude(pk=rep.pk)
    )
    if other.exists():
        raise LinkError(_("Your account is already registered for this event."), 409)
    rep.user = user
    rep.save()
    journal.record("events.representative_account_confirmed", request=request, obj=rep)
    from . import convocation

    area = _site() + reverse("events:area_home", kwargs={"slug": event.slug})
    extra = {"company": rep.company.name, "area_url": area, "password_url": ""}
    more, attachments = convocation.confirmation_parts(rep)
    extra.update(more)
    notify.tell(
        rep, "events.registration_received", sms=False, extra=extra, attachments=attachments
    )
    return rep


def register_templates():
    person = {
        "event": gettext_lazy("Event name"),
        "event_url": gettext_lazy("Address of the event page"),
        "company": gettext_lazy("Company"),
        "login": gettext_lazy("Login (e-mail address)"),
    }
    templates.register(
        CONFIRM_TEMPLATE,
        gettext_lazy("Events: confirm joining a company with an existing account"),
        placeholders={
            **person,
            "name": gettext_lazy("Recipient's name"),
            "confirm_url": gettext_lazy("Confirmation link"),
            "days": gettext_lazy("Days the link stays valid"),
        },
        default_subject={
            "fr": "Confirmez votre inscription : {{ event }}",
            "en": "Confirm your registration: {{ event }}",
        },
        default_body={
            "fr": "Bonjour,\n\nL'entreprise « {{ company }} » a donné votre adresse "
            "{{ login }} pour un(e) représentant(e) inscrit(e) à {{ event }}.\n\n"
            "Vous avez déjà un compte sur la plateforme. Si c'est bien vous, confirmez en "
            "vous connectant avec ce compte depuis ce lien (valable {{ days }} jours) :\n"
            "{{ confirm_url }}\n\nSinon, ignorez ce message : votre compte n'est relié à "
            "aucune entreprise sans votre confirmation.\n\n{{ organisation }}",
            "en": "Hello,\n\nThe company “{{ company }}” gave your address {{ login }} for a "
            "representative registered for {{ event }}.\n\nYou already have an account on "
            "the platform. If this is you, confirm by logging in with that account from "
            "this link (valid {{ days }} days):\n{{ confirm_url }}\n\nOtherwise, ignore this "
            "message: your account is linked to no company without your confirmation.\n\n"
            "{{ organisation }}",
        },
    )
    templates.register(
        DUPLICATE_TEMPLATE,
        gettext_lazy("Events: address already registered for the event"),
        placeholders=person,
        default_subject={
            "fr": "Votre inscription : {{ event }}",
            "en": "Your registration: {{ event }}",
        },
        default_body={
            "fr": "Bonjour,\n\nUne inscription à {{ event }} (entreprise « {{ company }} ») "
            "a donné votre adresse {{ login }}. Cette adresse est déjà inscrite à cet "
            "événement : elle n'a pas été ajoutée une seconde fois.\n\nSi vous êtes à "
            "l'origine de cette demande et souhaitez changer d'entreprise, écrivez aux "
            "organisateurs ({{ event_url }}). Sinon, ignorez ce message.\n\n{{ organisation }}",
            "en": "Hello,\n\nA registration for {{ event }} (company “{{ company }}”) gave "
            "your address {{ login }}. This address is already registered for this event: "
            "it was not added a second time.\n\nIf you made this request and wish to change "
            "company, write to the organisers ({{ event_url }}). Otherwise, ignore this "
            "message.\n\n{{ organisation }}",
        },
    )
