"""The event mini-site: creation with default bilingual pages, and the mapping of Civitas
event roles to Wagtail permissions.

- ensure_minisite(event) is idempotent: it creates what is missing (the container page, the
  event's welcome page with its default pages, the Wagtail groups, collection and
  validation workflow) and never re-creates a page an administrator deleted.
- Civitas roles are scoped (an event, or the organisation); Wagtail knows groups. Each event
  has two groups kept in sync with the roles (sync_user, called on every role change):
  "editors" (events.manage_event on the event: edit pages, add pages, upload images and
  documents in the event's collection) and "publishers" (events.publish_pages on the
  event: publish, and approve in the event's validation workflow).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.rich_text import RichText

from civitas.core import journal, permissions

from ..models import (
    Event,
    EventContentPage,
    EventIndexPage,
    EventLinkPage,
    EventSitePage,
    MiniSiteAccess,
)

EDIT_PERMISSION = "events.manage_event"
PUBLISH_PERMISSION = "events.publish_pages"
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
PUBLISHER_PAGE_PERMISSIONS = ["publish_page", "lock_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
INDEX_SLUG = "evenements"


# --- Pages ----------------------------------------------------------------------------


def site_page(event: Event, live_only: bool = True) -> EventSitePage | None:
    qs = EventSitePage.objects.filter(event=event)
    return (qs.live() if live_only else qs).first()


# --- The menu (on every public page of the event) -------------------------------------------

MENU_CACHE_SECONDS = 15 * 60


def menu_items(event: Event, request=None) -> list[tuple[str, str]]:
    """[(label, url)] of the event's public menu: the mini-site's live pages shown in menus,
    or the Django pages while there is no live mini-site.

    Cached: the key carries `event.menu_version`, which every change of the event's pages
    bumps in the database (`menu_changed`), so each web process sees a change at its next
    request, whatever cache backend it has. The language and the host are in the key too
    (titles are bilingual; Wagtail writes another site's address in full)."""
    host = request.get_host() if request is not None else ""
    key = ":".join(
        [
            "events.menu",
            str(event.pk),
            str(event.menu_version),
            event.slug,
            translation.get_language() or "",
            host,
        ]
    )
    items = caches["local"].get(key)
    if items is None:
        items = _menu_items(event, request)
        caches["local"].set(key, items, MENU_CACHE_SECONDS)
    return items


def _menu_items(event: Event, request=None) -> list[tuple[str, str]]:
    root = site_page(event)
    if root is None:
        return [
            (_("Welcome"), reverse("events:event_page", kwargs={"slug": event.slug})),
            (_("Registration"), reverse("events:register", kwargs={"slug": event.slug})),
            (_("Participants"), reverse("events:catalogue", kwargs={"slug": event.slug})),
        ]
    items = [(_("Welcome"), root.get_url(request))]
    for child in root.get_children().live().in_menu().specific():
        if isinstance(child, EventLinkPage):
            url = child.menu_url(request, event=event)  # the event is known: no look-up
        else:
            menu_url = getattr(child, "menu_url", None)
            url = menu_url(request) if menu_url else child.get_url(request)
        items.append((str(getattr(child, "localized_title", child.title)), url))
    return items


def menu_changed(event_ids=None) -> None:
    """A page of these events (all events when None) changed: their menus are built again."""
    events = Event.objects.all() if event_ids is None else Event.objects.filter(pk__in=event_ids)
    events.update(menu_version=F("menu_version") + 1)


def _events_of_page(page) -> list[int]:
    if isinstance(page, EventSitePage):
        return [page.event_id] if page.event_id else []
    return [
        pk
        for pk in EventSitePage.objects.ancestor_of(page, inclusive=True).values_list(
            "event_id", flat=True
        )
        if pk
    ]


def ensure_index() -> EventIndexPage:
    """The container page of every mini-site, under the public site's home page."""
    index = EventIndexPage.objects.first()
    if index is not None:
        return index
    from civitas.cms.setup import ensure_homepage

    home = ensure_homepage()
    site = Site.objects.filter(is_default_site=True).first()
    parent = site.root_page if site else home
    return parent.add_child(
        instance=EventIndexPage(title="Événements", slug=INDEX_SLUG, show_in_menus=False)
    )


def _dates(event: Event, lang: str) -> str:
    with translation.override(lang):
        first = formats.date_format(event.start_date, "j F Y")
        last = formats.date_format(event.end_date, "j F Y")
    if event.start_date == event.end_date:
        return {"fr": f"le {first}", "en": f"on {first}"}[lang]
    return {"fr": f"du {first} au {last}", "en": f"from {first} to {last}"}[lang]


def _p(text: str) -> RichText:
    """Plain text typed in the back office, as safe rich text paragraphs."""
    return RichText(linebreaks(text, autoescape=True))


def _mailto(email: str) -> str:
    return f'<a href="mailto:{escape(email)}">{escape(email)}</a>'


def default_content(event: Event) -> dict[str, dict]:
    """{page key: {"fr": blocks, "en": blocks}}; the event's former plain-text fields are
    used when filled in, otherwise a neutral bilingual text the organiser completes."""
    from civitas.core.models import Organisation

    name = escape(event.name)
    where_fr = f" à {escape(event.venue)}" if event.venue else ""
    where_en = f" at {escape(event.venue)}" if event.venue else ""
    welcome_fr = [
        (
            "paragraph",
            RichText(
                f"<p>Bienvenue sur le site de « {name} », {_dates(event, 'fr')}{where_fr}. "
                "Inscrivez votre entreprise, présentez vos offres et vos demandes, puis "
                "demandez des rendez-vous aux participants que vous souhaitez rencontrer.</p>"
            ),
        )
    ]
    welcome_en = [
        (
            "paragraph",
            RichText(
                f"<p>Welcome to the website of “{name}”, {_dates(event, 'en')}{where_en}. "
                "Register your company, present your offers and requests, then ask the "
                "participants you wish to meet for a meeting.</p>"
            ),
        )
    ]
    if event.welcome_text:
        welcome_fr = [("paragraph", _p(event.welcome_text))]

    sites = list(event.sites.all()) if event.pk else []
    place_fr, place_en = [], []
    if event.venue or sites:
        place_fr.append(("heading", "Lieu"))
        place_en.append(("heading", "Venue"))
        lines = [escape(event.venue)] if event.venue else []
        lines += [escape(f"{s.name}, {s.address}" if s.address else s.name) for s in sites]
        html = "".join(f"<p>{line}</p>" for line in lines)
        place_fr.append(("paragraph", RichText(html)))
        place_en.append(("paragraph", RichText(html)))
    practical_fr = place_fr + [
        (
            "paragraph",
            _p(event.practical_info)
            if event.practical_info
            else RichText(
                "<p>Les informations d'accès (adresse, transports en commun, stationnement, "
                "accessibilité aux personnes handicapées) seront publiées sur cette page.</p>"
            ),
        )
    ]
    practical_en = place_en + [
        (
            "paragraph",
            RichText(
                "<p>Access information (address, public transport, parking, accessibility "
                "for people with disabilities) will be published on this page.</p>"
            ),
        )
    ]

    mail_fr = f" : {_mailto(event.organiser_email)}" if event.organiser_email else "."
    mail_en = f": {_mailto(event.organiser_email)}" if event.organiser_email else "."
    contact_fr = [
        (
            "paragraph",
            RichText(
                f"<p>Pour toute question sur l'événement, écrivez aux organisateurs{mail_fr}</p>"
            ),
        )
    ]
    contact_en = [
        (
            "paragraph",
            RichText(f"<p>For any question about the event, write to the organisers{mail_en}</p>"),
        )
    ]
    if event.contact_text:
        contact_fr.insert(0, ("paragraph", _p(event.contact_text)))

    org = escape(Organisation.get().name)
    legal_fr = [
        ("heading", "Éditeur du site"),
        (
            "paragraph",
            RichText(
                f"<p>{org}. Directeur ou directrice de la publication, hébergeur : "
                "à compléter par l'organisateur.</p>"
            ),
        ),
        ("heading", "Données personnelles"),
        (
            "paragraph",
            RichText(
                "<p>Les données saisies lors de l'inscription servent à organiser "
                "l'événement et ses rendez-vous. La notice d'information du formulaire "
                "d'inscription précise leurs destinataires, leur durée de conservation et vos "
                "droits.</p>"
            ),
        ),
    ]
    legal_en = [
        ("heading", "Publisher"),
        (
            "paragraph",
            RichText(
                f"<p>{org}. Publication director, hosting provider: to be completed by "
                "the organiser.</p>"
            ),
        ),
        ("heading", "Personal data"),
        (
            "paragraph",
            RichText(
                "<p>The data entered when registering is used to organise the event and its "
                "meetings. The information notice of the registration form gives its "
                "recipients, how long it is kept and your rights.</p>"
            ),
        ),
    ]
    if event.legal_notice:
        legal_fr = [("paragraph", _p(event.legal_notice))]
    return {
        "welcome": {"fr": welcome_fr, "en": welcome_en},
        "practical": {"fr": practical_fr, "en": practical_en},
        "contact": {"fr": contact_fr, "en": contact_en},
        "legal": {"fr": legal_fr, "en": legal_en},
    }


def _publish(page: Page) -> None:
    """A first revision, published: the page has a history from the start."""
    page.save_revision(log_action=True).publish(log_action=True)


def _create_pages(event: Event, index: EventIndexPage) -> EventSitePage:
    content = default_content(event)
    root = index.add_child(
        instance=EventSitePage(
            event=event,
            title=event.name,
            slug=event.slug,
            body=content["welcome"]["fr"],
            body_en=content["welcome"]["en"],
        )
    )
    _publish(root)
    children = [
        EventContentPage(
            title="Informations pratiques",
            title_en="Practical information",
            slug="informations-pratiques",
            body=content["practical"]["fr"],
            body_en=content["practical"]["en"],
            show_in_menus=True,
        ),
        EventLinkPage(
            title="Inscription",
            title_en="Registration",
            slug="inscription",
            target=EventLinkPage.Target.REGISTER,
            show_in_menus=True,
        ),
        EventLinkPage(
            title="Participants",
            title_en="Participants",
            slug="participants",
            target=EventLinkPage.Target.CATALOGUE,
            show_in_menus=True,
        ),
        EventContentPage(
            title="Contact",
            title_en="Contact",
            slug="contact",
            body=content["contact"]["fr"],
            body_en=content["contact"]["en"],
            show_in_menus=True,
        ),
        EventContentPage(
            title="Mentions légales",
            title_en="Legal notices",
            slug="mentions-legales",
            body=content["legal"]["fr"],
            body_en=content["legal"]["en"],
            show_in_menus=True,
        ),
    ]
    for child in children:
        _publish(root.add_child(instance=child))
    return root


@transaction.atomic
def ensure_minisite(event: Event) -> EventSitePage:
    """Create what is missing of the event's mini-site (idempotent)."""
    root = site_page(event, live_only=False)
    if root is None:
        root = _create_pages(event, ensure_index())
        journal.record(
            "events.minisite_created",
            obj=event,
            details={"pages": [p.slug for p in root.get_descendants(inclusive=True)]},
        )
    elif root.slug != event.slug:
        follow_slug(event)
        root.refresh_from_db()
    ensure_access(event, root)
    return root


def follow_slug(event: Event) -> None:
    """The welcome page's address is the event's short name."""
    root = site_page(event, live_only=False)
    if root is not None and root.slug != event.slug:
        root.slug = event.slug
        root.save(clean=False)


def ensure_all() -> int:
    n = 0
    for event in Event.objects.order_by("pk"):
        ensure_minisite(event)
        n += 1
    return n


def delete_minisite(event: Event) -> None:
    """Remove the event's pages (with their descendants) and Wagtail groups."""
    root = site_page(event, live_only=False)
    if root is not None:
        Page.objects.get(pk=root.pk).delete()
    access = MiniSiteAccess.objects.filter(event=event).first()
    if root is not None or access is not None:
        journal.record("events.minisite_deleted", obj=event)
    if access is not None:
        Group.objects.filter(pk__in=[access.editors_id, access.publishers_id]).delete()
        if access.workflow_id:
            Workflow.objects.filter(pk=access.workflow_id).update(active=False)


# --- Access: Civitas roles -> Wagtail groups -------------------------------------------------


def _permission(app_label: str, codename: str) -> Permission:
    lookup = {"content_type__app_label": app_label, "codename": codename}
    found = Permission.objects.filter(**lookup).first()
    if found is None:
        # A database flushed without its post-migrate step (transactional tests, a manual
        # flush) lacks the permission rows: create them as `migrate` would.
        from django.apps import apps
        from django.contrib.auth.management import create_permissions

        create_permissions(apps.get_app_config(app_label), verbosity=0)
        found = Permission.objects.get(**lookup)
    return found


def _group(name: str) -> Group:
    return Group.objects.get_or_create(name=name[:150])[0]


def ensure_access(event: Event, root: EventSitePage) -> MiniSiteAccess:
    access, _created = MiniSiteAccess.objects.get_or_create(event=event)
    changed = False
    if access.editors is None:
        access.editors = _group(f"Mini-site #{event.pk} « {event.slug} » – rédaction")
        changed = True
    if access.publishers is None:
        access.publishers = _group(f"Mini-site #{event.pk} « {event.slug} » – publication")
        changed = True
    if access.collection is None:
        # (Wagtail's root collection comes from a data migration: absent after a flush.)
        top = Collection.get_first_root_node() or Collection.add_root(name="Root")
        access.collection = top.add_child(name=f"Événement « {event.name} »"[:255])
        changed = True
    if access.workflow is None:
        workflow = Workflow.objects.create(name=f"Validation – {event.name}"[:255])
        task = GroupApprovalTask.objects.create(name=f"Validation – {event.slug}"[:255])
        task.groups.set([access.publishers])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        access.workflow = workflow
        changed = True
    if changed:
        access.save()

    access.editors.permissions.add(_permission("wagtailadmin", "access_admin"))
    access.publishers.permissions.add(_permission("wagtailadmin", "access_admin"))
    for group, codenames in (
        (access.editors, EDITOR_PAGE_PERMISSIONS),
        (access.publishers, PUBLISHER_PAGE_PERMISSIONS),
    ):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_permission("wagtailcore", codename)
            )
    for app_label, codename in EDITOR_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=access.editors,
            collection=access.collection,
            permission=_permission(app_label, codename),
        )
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": access.workflow})
    task = access.workflow.workflow_tasks.first()
    if task is not None and isinstance(task.task.specific, GroupApprovalTask):
        task.task.specific.groups.add(access.publishers)

    if changed:
        from civitas.core.models import User

        for user in User.objects.filter(role_assignments__isnull=False).distinct():
            sync_user(user, [access])
    return access


def sync_user(user, accesses=None) -> None:
    """Make the user's Wagtail groups reflect their Civitas roles, for every event (or the
    given MiniSiteAccess rows)."""
    if accesses is None:
        accesses = list(MiniSiteAccess.objects.select_related("event"))
    permissions.clear_cache(user)
    managed, wanted = set(), set()
    for access in accesses:
        for group_id, codename in (
            (access.editors_id, EDIT_PERMISSION),
            (access.publishers_id, PUBLISH_PERMISSION),
        ):
            if group_id is None:
                continue
            managed.add(group_id)
            if permissions.has_perm(user, codename, access.event):
                wanted.add(group_id)
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if wanted - current:
        user.groups.add(*(wanted - current))
    if current - wanted:
        user.groups.remove(*(current - wanted))


# --- Signal receivers (connected in apps.py) ---------------------------------------------


def on_roles_changed(sender, user, **kwargs):
    """core.signals.roles_changed: a grant, a revoke or a role's permissions edited."""
    sync_user(user)


def on_event_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        follow_slug(instance)


def on_event_deleted(sender, instance, **kwargs):
    delete_minisite(instance)


def on_page_changed(sender, instance, raw=False, **kwargs):
    """A page saved, published, unpublished or deleted: the menu of its event is rebuilt."""
    if raw or not instance.path:
        return
    event_ids = _events_of_page(instance)
    if event_ids:
        menu_changed(event_ids)


def on_page_moved(sender, instance, **kwargs):
    """A page moved (maybe from one event to another): every menu is rebuilt."""
    menu_changed()


def on_site_changed(sender, instance, raw=False, **kwargs):
    """Wagtail sites give the pages their addresses: every menu is rebuilt."""
    if not raw:
        menu_changed()
