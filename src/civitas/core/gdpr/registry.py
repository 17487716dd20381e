"""Registry of the models that hold personal data.

Each app declares its models in a ``personal_data.py`` module (imported at start-up)::

    from civitas.core.gdpr import registry

    registry.register(
        "events.Registration",
        category="registrations",
        person_fields=["email", "first_name", "last_name", "phone"],
        subject_filter=lambda email, user: Q(email__iexact=email),
        erase="anonymise",            # the record must be kept (invoicing...)
        anonymise={"first_name": "—"},  # value or callable(obj, subject); others: neutral
        retention_field="created_at",
    )
    registry.exempt("events.Workshop", "speaker_name is a public speaker shown on the site")

``erase`` is what "erase this person" does to their rows: ``delete`` (physical deletion),
``anonymise`` (the person fields get neutral values; the row stays) or ``keep`` (legal
record that must stay untouched, e.g. the tamper-evident action journal; ``keep_reason``
says why). ``tests/gdpr/test_registry.py`` fails when a model with personal-looking fields
is neither registered nor exempted.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

ERASE_MODES = ("delete", "anonymise", "keep")


@dataclass(frozen=True)
class Category:
    code: str
    label: str


@dataclass
class Declaration:
    label: str  # "app_label.ModelName"
    category: str
    person_fields: list[str]
    subject_filter: Callable
    erase: str = "delete"
    anonymise: dict = field(default_factory=dict)
    retention_field: str | None = None
    secret_fields: list[str] = field(default_factory=list)
    keep_reason: str = ""
    order: int = 100  # erasure order: lower first; the user account comes last
    rectify_fields: list[str] | None = None  # None: the person fields

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def installed(self) -> bool:
        try:
            self.model  # noqa: B018
        except LookupError:
            return False
        return True

    def queryset(self, email: str, user):
        q = self.subject_filter((email or "").strip(), user)
        return self.model._base_manager.filter(q)

    def exported_fields(self):
        """Concrete fields shown to the person (secrets such as hashes are left out)."""
        return [f for f in self.model._meta.concrete_fields if f.name not in self.secret_fields]

    def rectifiable_fields(self):
        out = []
        names = self.person_fields if self.rectify_fields is None else self.rectify_fields
        for name in names:
            f = self.model._meta.get_field(name)
            if f.concrete and f.editable and not f.is_relation and not f.primary_key:
                out.append(name)
        return out


_categories: dict[str, Category] = {}
_declarations: dict[str, Declaration] = {}
_exempt: dict[str, str] = {}


def _label(model) -> str:
    if isinstance(model, str):
        app_label, name = model.split(".")
        return f"{app_label}.{name}"
    return model._meta.label


def register_category(code: str, label) -> Category:
    cat = Category(code, label)
    _categories[code] = cat
    return cat


def categories() -> list[Category]:
    return sorted(_categories.values(), key=lambda c: str(c.label))


def category_label(code: str) -> str:
    cat = _categories.get(code)
    return str(cat.label) if cat else code


def register(
    model,
    *,
    category: str,
    person_fields: list[str],
    subject_filter: Callable,
    erase: str = "delete",
    anonymise: dict | None = None,
    retention_field: str | None = None,
    secret_fields: list[str] | None = None,
    keep_reason: str = "",
    order: int = 100,
    rectify_fields: list[str] | None = None,
) -> Declaration:
    if erase not in ERASE_MODES:
        raise ValueError(f"erase must be one of {ERASE_MODES}, not {erase!r}")
    if erase == "keep" and not keep_reason:
        raise ValueError("erase='keep' needs a keep_reason")
    if category not in _categories:
        raise ValueError(f"Unknown data category {category!r}: register_category() it first")
    decl = Declaration(
        label=_label(model),
        category=category,
        person_fields=list(person_fields),
        subject_filter=subject_filter,
        erase=erase,
        anonymise=dict(anonymise or {}),
        retention_field=retention_field,
        secret_fields=list(secret_fields or []),
        keep_reason=keep_reason,
        order=order,
        rectify_fields=None if rectify_fields is None else list(rectify_fields),
    )
    _declarations[decl.label] = decl
    return decl


def user_fk_filter(*fields: str) -> Callable:
    """subject_filter matching rows whose given foreign keys point to the user."""

    def subject_filter(email, user):
        if user is None:
            return Q(pk__in=[])
        q = Q()
        for name in fields:
            q |= Q(**{name: user})
        return q

    return subject_filter


def person_filter(
    email_field: str | None = None, user_field: str | None = None, *, email_lookup="iexact"
) -> Callable:
    """subject_filter matching a person's rows by address and/or account: rows whose
    `email_field` equals the address (case-insensitive; `email_lookup` to change it), or
    whose `user_field` is the account (a foreign key or an id field, through relations too:
    ``"author__user"``). Matches nothing when neither is known.

        registry.register("events.Representative", ...,
                          subject_filter=registry.person_filter("email", "user"))
    """
    if not email_field and not user_field:
        raise ValueError("person_filter needs an email_field or a user_field")

    def subject_filter(email, user):
        q = Q(pk__in=[])
        if email_field and email:
            q = Q(**{f"{email_field}__{email_lookup}": email})
        if user_field and user is not None:
            q |= Q(**{user_field: user.pk})
        return q

    return subject_filter


def register_user_links(
    model, *, category: str, fields: list[str] | None = None, erase=None, **kwargs
):
    """Declare a model linked to people only through foreign keys to the user model.

    Erasure sets these links to NULL when they all allow it (the row is kept, no longer
    pointing at the person), otherwise deletes the rows."""
    label = _label(model)
    try:
        m = apps.get_model(label)
    except LookupError:
        return None
    user_fields = fields or [f.name for f in user_foreign_keys(m)]
    if erase is None:
        nullable = all(m._meta.get_field(n).null for n in user_fields)
        erase = "anonymise" if nullable else "delete"
    anonymise = kwargs.pop("anonymise", None) or (
        dict.fromkeys(user_fields) if erase == "anonymise" else None
    )
    return register(
        label,
        category=category,
        person_fields=kwargs.pop("person_fields", user_fields),
        subject_filter=kwargs.pop("subject_filter", user_fk_filter(*user_fields)),
        erase=erase,
        anonymise=anonymise,
        **kwargs,
    )


def exempt(model, reason: str) -> None:
    """A model whose personal-looking fields hold no personal data (say why)."""
    if not reason or not str(reason).strip():
        raise ValueError("An exemption needs a reason")
    _exempt[_label(model)] = str(reason)


def declarations() -> list[Declaration]:
    """Installed declarations, in erasure order."""
    return sorted(
        (d for d in _declarations.values() if d.installed), key=lambda d: (d.order, d.label)
    )


def declaration(label: str) -> Declaration | None:
    d = _declarations.get(label)
    return d if d and d.installed else None


def exemptions() -> dict[str, str]:
    return dict(_exempt)


# --- Detection of personal-looking fields ------------------------------------------

# Field names that look like data about a person. A bare "name" is not counted: it names
# things (units, roles, tags, events); fields holding a person's name must say so
# (first_name, last_name, full_name, contact_name...).
PERSONAL_NAME_RE = re.compile(
    r"(^|_)("
    r"e?mail|email_address|phone|mobile|telephone|tel|fax|"
    r"first_?name|last_?name|full_?name|given_name|family_name|surname|maiden_name|"
    r"birth_?name|user_?name|contact_name|author_name|"
    r"address|street|postcode|postal_code|zip_code|"
    r"birth|birthday|birth_?date|date_of_birth|"
    r"ip|ip_address|remote_addr|user_agent|recipients?"
    r")($|_)"
    r"|^(to|cc|bcc)$"  # message recipients
)


def user_foreign_keys(model):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        f
        for f in model._meta.local_concrete_fields
        if f.is_relation and f.related_model is user_model
    ]


def personal_looking_fields(model) -> list[str]:
    """Local fields whose name looks personal, plus foreign keys to the user model."""
    names = []
    for f in model._meta.local_concrete_fields:
        if (
            f.is_relation
            and f.related_model is apps.get_model(settings.AUTH_USER_MODEL)
            or PERSONAL_NAME_RE.search(f.name.lower())
        ):
            names.append(f.name)
    return names


def undeclared_models() -> list[tuple[str, list[str]]]:
    """(label, fields) of models with personal-looking fields, neither declared nor exempt."""
    out = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.abstract or meta.auto_created:
            continue
        if meta.label in _declarations or meta.label in _exempt:
            continue
        fields = personal_looking_fields(model)
        if fields:
            out.append((meta.label, fields))
    return sorted(out)


# --- Autodiscovery -----------------------------------------------------------------

_discovered = False


def register_default_categories():
    register_category("identity", _("Identity and contact details"))
    register_category("account", _("Account and security settings"))
    register_category("connection", _("Connection and technical traces"))
    register_category("content", _("Content written or uploaded"))
    register_category("legal_record", _("Legal records (journal)"))
    register_category("messages", _("Messages sent"))
    register_category("documents", _("Documents and files"))


def autodiscover():
    """Import the ``personal_data`` module of every installed Civitas app."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for config in apps.get_app_configs():
        if not config.name.startswith("civitas"):
            continue
        if module_has_submodule(config.module, "personal_data"):
            importlib.import_module(f"{config.name}.personal_data")
