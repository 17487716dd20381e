"""The event mini-site: Wagtail pages created with the event, public rendering inside the
event's frame, menu, and editing rights mapped from Civitas event roles."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text
from wagtail.test.utils.form_data import streamfield as stream_data

from civitas.core import accounts
from civitas.core.models import JournalEntry, Role
from civitas.events.models import (
    Event,
    EventContentPage,
    EventIndexPage,
    EventLinkPage,
    EventSitePage,
    MiniSiteAccess,
)
from civitas.events.services import minisite
from tests.conftest import make_user

from .conftest import make_event

pytestmark = pytest.mark.django_db

DEFAULT_SLUGS = [
    "informations-pratiques",
    "inscription",
    "participants",
    "contact",
    "mentions-legales",
]


def children(event):
    return list(EventSitePage.objects.get(event=event).get_children().specific())


def get(client, url, lang="en"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, url
    return response.content.decode()


def menu_links(html):
    from bs4 import BeautifulSoup

    nav = BeautifulSoup(html, "html.parser").find("nav", class_="event-nav")
    return [(a.get_text(strip=True), a["href"], a.get("aria-current")) for a in nav.find_all("a")]


# --- Pages ----------------------------------------------------------------------------------


def test_event_creation_builds_the_minisite(event):
    root = EventSitePage.objects.get(event=event)
    assert root.live and root.title == event.name and root.slug == event.slug
    assert isinstance(root.get_parent().specific, EventIndexPage)
    assert root.url == reverse("events:event_page", kwargs={"slug": event.slug})
    pages = children(event)
    assert [p.slug for p in pages] == DEFAULT_SLUGS
    assert all(p.live and p.show_in_menus for p in pages)
    assert [type(p) for p in pages] == [
        EventContentPage,
        EventLinkPage,
        EventLinkPage,
        EventContentPage,
        EventContentPage,
    ]
    assert [p.target for p in pages if isinstance(p, EventLinkPage)] == ["register", "catalogue"]
    # bilingual default content, with a history (a published revision) from the start
    practical = pages[0]
    assert practical.title == "Informations pratiques"
    assert practical.title_en == "Practical information"
    assert "accessibilité" in str(practical.body) and "accessibility" in str(practical.body_en)
    assert "Bienvenue" in str(root.body) and "Welcome" in str(root.body_en)
    assert root.live_revision is not None and practical.live_revision is not None
    assert not any(Page.find_problems())
    entry = JournalEntry.objects.get(action="events.minisite_created")
    assert entry.object_id == str(event.pk) and "contact" in entry.details["pages"]


def test_default_content_uses_the_former_text_fields_escaped(db):
    event = make_event(
        "texte",
        welcome_text="Deux jours <b>d'affaires</b>.",
        practical_info="Métro ligne 1.\nParking payant.",
        organiser_email="rdv@cci.example",
        venue="CCI Paris",
    )
    root = EventSitePage.objects.get(event=event)
    assert "Deux jours &lt;b&gt;d&#x27;affaires&lt;/b&gt;." in str(root.body.raw_data)
    practical, contact = children(event)[0], children(event)[3]
    assert "Métro ligne 1.<br>Parking payant." in str(practical.body.raw_data)
    assert "CCI Paris" in str(practical.body.raw_data)
    assert "mailto:rdv@cci.example" in str(contact.body.raw_data)


def test_ensure_is_idempotent_and_keeps_deleted_pages_deleted(event):
    pages_before = Page.objects.count()
    legal = EventContentPage.objects.get(slug="mentions-legales")
    legal.delete()
    minisite.ensure_minisite(event)
    minisite.ensure_all()
    assert Page.objects.count() == pages_before - 1
    assert MiniSiteAccess.objects.filter(event=event).count() == 1
    assert EventIndexPage.objects.count() == 1


def test_ensure_repairs_what_was_deleted_in_wagtail(event):
    access = MiniSiteAccess.objects.get(event=event)
    access.editors.delete()
    minisite.ensure_minisite(event)
    access.refresh_from_db()
    assert access.editors is not None
    root = EventSitePage.objects.get(event=event)
    perms = GroupPagePermission.objects.filter(group=access.editors, page=root)
    assert {p.permission.codename for p in perms} == {"add_page", "change_page"}


def test_existing_event_without_minisite_gets_one_from_the_command(db):
    from django.core.management import call_command

    event = make_event("ancien")
    minisite.delete_minisite(event)
    MiniSiteAccess.objects.filter(event=event).delete()
    assert not EventSitePage.objects.filter(event=event).exists()
    call_command("ensure_event_minisites", verbosity=0)
    assert [p.slug for p in children(event)] == DEFAULT_SLUGS


def test_slug_change_moves_the_minisite(client, event):
    event.slug = "nouveau-nom"
    event.save()
    root = EventSitePage.objects.get(event=event)
    assert root.slug == "nouveau-nom"
    assert client.get("/evenements/nouveau-nom/").status_code == 200
    assert client.get("/evenements/nouveau-nom/contact/").status_code == 200
    assert client.get("/evenements/salon/contact/").status_code == 404


def test_event_deletion_removes_its_pages_and_groups(event):
    other = make_event("autre")
    access = MiniSiteAccess.objects.get(event=event)
    group_ids = [access.editors_id, access.publishers_id]
    root_pk = EventSitePage.objects.get(event=event).pk
    Event.objects.filter(pk=event.pk).delete()
    assert not Page.objects.filter(pk=root_pk).exists()
    assert not EventContentPage.objects.filter(url_path__contains="/salon/").exists()
    assert not Group.objects.filter(pk__in=group_ids).exists()
    assert [p.slug for p in children(other)] == DEFAULT_SLUGS
    assert not any(Page.find_problems())


# --- Public rendering -------------------------------------------------------------------------


def test_welcome_page_is_the_wagtail_page_in_the_event_frame(client, event):
    root = EventSitePage.objects.get(event=event)
    root.body = [("paragraph", rich_text_value("<p>Texte d'accueil édité</p>"))]
    root.body_en = [("paragraph", rich_text_value("<p>Edited welcome text</p>"))]
    root.save_revision().publish()
    response = client.get(reverse("events:event_page", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert "events/minisite/site_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Texte d'accueil édité" in html  # French by default
    assert "Edited welcome text" not in html
    assert reverse("events:theme_css", kwargs={"slug": event.slug}) in html  # colours
    assert 'class="event-frame"' in html and "event-banner" in html
    assert "Edited welcome text" in get(client, f"/evenements/{event.slug}/", "en")


def rich_text_value(html):
    from wagtail.rich_text import RichText

    return RichText(html)


def test_menu_lists_pages_and_django_views_in_tree_order(client, event):
    html = get(client, f"/evenements/{event.slug}/informations-pratiques/")
    links = menu_links(html)
    assert links == [
        ("Welcome", f"/evenements/{event.slug}/", None),
        ("Practical information", f"/evenements/{event.slug}/informations-pratiques/", "page"),
        ("Registration", reverse("events:register", kwargs={"slug": event.slug}), None),
        ("Participants", reverse("events:catalogue", kwargs={"slug": event.slug}), None),
        ("Contact", f"/evenements/{event.slug}/contact/", None),
        ("Legal notices", f"/evenements/{event.slug}/mentions-legales/", None),
    ]
    assert "Access information" in html
    html_fr = get(client, f"/evenements/{event.slug}/informations-pratiques/", "fr")
    assert [label for label, _u, _c in menu_links(html_fr)] == [
        "Accueil",
        "Informations pratiques",
        "Inscription",
        "Participants",
        "Contact",
        "Mentions légales",
    ]
    assert "Les informations d'accès" in html_fr


def test_django_pages_show_the_same_menu_and_follow_wagtail_edits(client, event):
    contact = EventContentPage.objects.get(slug="contact")
    contact.title_en = "Write to us"
    contact.save_revision().publish()
    legal = EventContentPage.objects.get(slug="mentions-legales")
    legal.show_in_menus = False
    legal.save_revision().publish()
    html = get(client, reverse("events:catalogue", kwargs={"slug": event.slug}))
    labels = [label for label, _url, _cur in menu_links(html)]
    assert labels == [
        "Welcome",
        "Practical information",
        "Registration",
        "Participants",
        "Write to us",
    ]
    assert ("Participants", reverse("events:catalogue", kwargs={"slug": event.slug}), "page") in (
        menu_links(html)
    )


def test_link_page_redirects_to_its_django_view(rf, event):
    link = EventLinkPage.objects.get(slug="participants")
    response = link.serve(rf.get("/"))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:catalogue", kwargs={"slug": event.slug})


def test_unpublished_event_has_no_public_pages(client, event):
    event.is_published = False
    event.save()
    assert client.get(f"/evenements/{event.slug}/").status_code == 404
    assert client.get(f"/evenements/{event.slug}/contact/").status_code == 404


def test_without_a_live_minisite_the_plain_page_is_shown(client, event):
    EventSitePage.objects.get(event=event).unpublish()
    response = client.get(f"/evenements/{event.slug}/")
    assert response.status_code == 200
    assert "events/public/event_page.html" in [t.name for t in response.templates]
    html = get(client, f"/evenements/{event.slug}/")
    assert [label for label, _u, _c in menu_links(html)][:3] == [
        "Welcome",
        "Registration",
        "Participants",
    ]


def test_reserved_slug_refused_for_a_content_page(event):
    from civitas.events.models.minisite import RESERVED_SLUGS, EventContentPageForm

    assert "inscription" in RESERVED_SLUGS
    root = EventSitePage.objects.get(event=event)
    form_class = EventContentPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, EventContentPageForm)
    form = form_class(
        nested_form_data(
            {
                "title": "Inscription",
                "slug": "inscription",
                "body": stream_data([]),
                "body_en": stream_data([]),
            }
        ),
        instance=EventContentPage(),
        parent_page=root,
        for_user=make_user("editor@example.org", is_superuser=True),
    )
    assert not form.is_valid()
    assert "slug" in form.errors


# --- Editing rights: Civitas roles -> Wagtail -------------------------------------------------


@pytest.fixture
def event_roles(db):
    editor = Role.objects.create(
        code="event_editor",
        name="Event pages",
        permissions=["core.access_backoffice", "events.view_registrations", "events.manage_event"],
    )
    publisher = Role.objects.create(
        code="event_publisher", name="Event publication", permissions=["events.publish_pages"]
    )
    return {"editor": editor, "publisher": publisher}


def event_admin(email, role, event):
    user = make_user(email, role_code=role.code, scope=("event", event.pk))
    return user


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_roles_map_to_the_events_wagtail_groups(event, event_roles, users):
    other = make_event("autre")
    a, b = MiniSiteAccess.objects.get(event=event), MiniSiteAccess.objects.get(event=other)
    user = event_admin("a@example.org", event_roles["editor"], event)
    assert set(user.groups.all()) == {a.editors}
    assignment, _created = accounts.grant(user, event_roles["publisher"], ("event", event.pk))
    assert set(user.groups.all()) == {a.editors, a.publishers}
    accounts.revoke(assignment)
    assert set(user.groups.all()) == {a.editors}
    # the principal administrator (organisation scope) is in every event's groups
    principal = users["principal"]
    assert {a.editors, a.publishers, b.editors, b.publishers} <= set(principal.groups.all())
    # a new event takes the organisation-wide holders in at once
    third = make_event("troisieme")
    c = MiniSiteAccess.objects.get(event=third)
    assert {c.editors, c.publishers} <= set(principal.groups.all())
    assert c.editors not in user.groups.all()
    # a role losing the permission takes the groups away
    event_roles["editor"].permissions = ["events.view_registrations"]
    accounts.save_role(event_roles["editor"])
    assert not user.groups.exists()


def test_event_admin_edits_own_event_pages_not_anothers(client, event, event_roles):
    other = make_event("autre")
    user = event_admin("a@example.org", event_roles["editor"], event)
    client.force_login(user)
    mine = EventContentPage.objects.get(url_path__endswith=f"/{event.slug}/contact/")
    theirs = EventContentPage.objects.get(url_path__endswith=f"/{other.slug}/contact/")
    assert client.get(edit_url(mine)).status_code == 200
    assert client.get(edit_url(EventSitePage.objects.get(event=event))).status_code == 200
    for page in (theirs, EventSitePage.objects.get(event=other)):
        response = client.get(edit_url(page))
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
    explorer = client.get(reverse("wagtailadmin_explore", args=[other.site_page.pk]))
    assert explorer.status_code in (302, 403)

    # Saving a draft of their own page works; publishing is for publishers.
    data = edit_form_data(client, mine, title_en="Contact us")
    response = client.post(edit_url(mine), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    assert mine.get_latest_revision_as_object().title_en == "Contact us"
    assert mine.title_en == "Contact"  # not published
    data["action-publish"] = "1"
    client.post(edit_url(mine), data)
    mine.refresh_from_db()
    assert mine.title_en == "Contact"

    # The same post on the other event's page changes nothing.
    client.post(edit_url(theirs), {**data, "title": "Piraté"})
    theirs.refresh_from_db()
    assert theirs.title == "Contact" and theirs.get_latest_revision_as_object().title == "Contact"


def test_publisher_role_publishes_own_event_pages(client, event, event_roles):
    user = event_admin("a@example.org", event_roles["editor"], event)
    accounts.grant(user, event_roles["publisher"], ("event", event.pk))
    client.force_login(user)
    mine = EventContentPage.objects.get(url_path__endswith=f"/{event.slug}/contact/")
    data = edit_form_data(client, mine, title_en="Contact us")
    data["action-publish"] = "1"
    response = client.post(edit_url(mine), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.title_en == "Contact us" and mine.live
    assert "Contact us" in get(client, f"/evenements/{event.slug}/contact/")


def test_backoffice_links_the_event_admin_to_their_pages(client, event, event_roles):
    user = event_admin("a@example.org", event_roles["editor"], event)
    client.force_login(user)
    html = get(client, reverse("events:bo_event", kwargs={"pk": event.pk}))
    explore = reverse("wagtailadmin_explore", args=[event.site_page.pk])
    assert f'href="{explore}"' in html
    assert client.get(explore).status_code == 200
    # the plain text fields are gone from the event form: the pages replace them
    html = get(client, reverse("events:bo_event_edit", kwargs={"pk": event.pk}))
    assert 'name="welcome_text"' not in html and 'name="name"' in html


def test_event_root_page_cannot_be_deleted_by_its_admins(client, event, event_roles, users):
    user = event_admin("a@example.org", event_roles["editor"], event)
    accounts.grant(user, event_roles["publisher"], ("event", event.pk))
    root = EventSitePage.objects.get(event=event)
    assert not root.permissions_for_user(user).can_delete()
    assert not root.permissions_for_user(users["principal"]).can_delete()
    client.force_login(user)
    client.post(reverse("wagtailadmin_pages:delete", args=[root.pk]))
    assert EventSitePage.objects.filter(pk=root.pk).exists()
    # a child page can go
    assert (
        EventContentPage.objects.get(url_path__endswith=f"/{event.slug}/contact/")
        .permissions_for_user(user)
        .can_delete()
    )


def edit_form_data(client, page, **changes):
    """The Wagtail edit form as the browser would post it (the StreamFields, built by
    JavaScript in a browser, are rebuilt from the page's content)."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    fields = {"title": page.title, "title_en": page.title_en, "slug": page.slug}
    fields.update(changes)
    for name, value in fields.items():
        data[name] = value
    for name in ("body", "body_en"):
        blocks = [
            (b.block_type, rich_text(b.value.source) if b.block_type == "paragraph" else b.value)
            for b in getattr(page, name)
        ]
        for key, value in nested_form_data({name: stream_data(blocks)}).items():
            data[key] = value
    return data


def test_default_site_routes_the_minisite(event):
    site = Site.objects.get(is_default_site=True)
    root = EventSitePage.objects.get(event=event)
    assert root.get_site() == site


def test_menu_is_cached_and_follows_every_change_of_the_pages(client, event, monkeypatch):
    """The menu is built once per event and language, then served from the cache until a
    page of the event changes: a new title, a page hidden, unpublished, deleted or moved."""
    from civitas.events.models import Event
    from civitas.events.services import minisite

    built = []
    real = minisite._menu_items
    monkeypatch.setattr(minisite, "_menu_items", lambda *a, **k: built.append(1) or real(*a, **k))
    catalogue = reverse("events:catalogue", kwargs={"slug": event.slug})

    def labels():
        return [label for label, _u, _c in menu_links(get(client, catalogue))]

    assert labels()[-1] == "Legal notices"
    assert labels()[-1] == "Legal notices"
    assert len(built) == 1  # the second page came from the cache
    stale = Event.objects.get(pk=event.pk)  # loaded before the changes below

    contact = EventContentPage.objects.get(slug="contact")
    contact.title_en = "Write to us"
    contact.save_revision().publish()
    assert "Write to us" in labels()

    EventContentPage.objects.get(slug="mentions-legales").unpublish()
    assert "Legal notices" not in labels()

    # An event saved from a copy loaded earlier does not bring the old menu back.
    stale.venue = "Hall 7"
    stale.save()
    assert "Legal notices" not in labels() and "Write to us" in labels()

    EventContentPage.objects.get(slug="informations-pratiques").delete()
    assert "Practical information" not in labels()

    # A page moved under another page leaves the menu (only the root's children are in it).
    contact = EventContentPage.objects.get(slug="contact")
    contact.move(EventContentPage.objects.get(slug="mentions-legales"), pos="last-child")
    assert labels() == ["Welcome", "Registration", "Participants"]
    assert len(built) == 5
