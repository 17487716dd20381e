"""The event mini-site: Wagtail pages under one page per event.

Tree (see services/minisite.py, which creates it):

    site root (cms home page)
      └─ EventIndexPage "evenements"            (one, container; /evenements/ is a Django view)
           └─ EventSitePage <event.slug>        (one per event: the welcome page)
                ├─ EventContentPage             (practical information, contact, legal notices…)
                └─ EventLinkPage                (registration, catalogue: Django views in the menu)

The page URLs coincide with the Django routes: /evenements/<slug>/ is the welcome page,
/evenements/<slug>/inscription/ the registration form. Content is bilingual like the
platform's other pages (French fields, then *_en fields), StreamField sanitised by Wagtail.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Collection, Page, PagePermissionTester, Workflow
from wagtail.search import index

from .event import Event

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]

# Path segments under /evenements/<slug>/ that belong to Django views.
RESERVED_SLUGS = {"inscription", "participants", "theme.css"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Text alternative"),
        required=False,
        help_text=_("What the image shows; leave empty for a purely decorative image."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "events/minisite/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(label=_("Link text"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document to download")
        template = "events/minisite/blocks/document.html"


def body_blocks():
    return [
        (
            "heading",
            blocks.CharBlock(
                label=_("Heading"),
                form_classname="title",
                icon="title",
                template="events/minisite/blocks/heading.html",
            ),
        ),
        ("paragraph", blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)),
        ("image", ImageBlock()),
        ("document", DocumentBlock()),
    ]


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class EventPageMixin(models.Model):
    """Bilingual title and body shared by the mini-site's pages."""

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    body = StreamField(body_blocks(), verbose_name=_("content"), blank=True)
    body_en = StreamField(body_blocks(), verbose_name=_("content (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def localized_title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title

    @property
    def localized_body(self):
        return self.body_en if _english() and self.body_en else self.body

    def site_page(self) -> EventSitePage:
        if isinstance(self, EventSitePage):
            return self
        return EventSitePage.objects.ancestor_of(self).first()

    def serve(self, request, *args, **kwargs):
        root = self.site_page()
        if root is not None and root.event.minisite_offline():
            from django.shortcuts import render

            return render(
                request, "events/public/minisite_closed.html", {"event": root.event}, status=410
            )
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        root = self.site_page()
        context["event"] = root.event if root else None
        context["site_page"] = root
        return context


class EventIndexPage(Page):
    """Container of the event mini-sites (its own URL /evenements/ is the Django event list)."""

    is_creatable = False
    max_count = 1
    subpage_types = ["events.EventSitePage"]

    class Meta:
        verbose_name = _("business events (container)")

    def serve(self, request, *args, **kwargs):
        return redirect("events:event_list")


class EventRootPermissionTester(PagePermissionTester):
    """The event's root page lives and dies with the event: only a superuser may delete,
    move or copy it."""

    def can_delete(self, ignore_bulk=False):
        return self.user.is_active and self.user.is_superuser and super().can_delete(ignore_bulk)

    def can_move(self):
        return self.user.is_active and self.user.is_superuser

    def can_copy(self):
        return False


class EventSitePage(EventPageMixin, Page):
    """The welcome page of one event's mini-site; its children make the menu."""

    # SET_NULL as Wagtail requires (a database cascade would corrupt the page tree): the
    # pages are deleted with their descendants before the event (services.minisite).
    event = models.OneToOneField(
        Event,
        verbose_name=_("event"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="site_page",
    )

    is_creatable = False
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = ["events.EventContentPage", "events.EventLinkPage"]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    # The address is the event's short name (set in the back office), not edited here.
    promote_panels = [FieldPanel("seo_title"), FieldPanel("search_description")]
    search_fields = Page.search_fields + [index.SearchField("body"), index.SearchField("body_en")]
    template = "events/minisite/site_page.html"

    class Meta:
        verbose_name = _("event mini-site (welcome page)")

    def __str__(self):
        return self.title

    def permissions_for_user(self, user):
        return EventRootPermissionTester(user, self)

    def with_content_json(self, content):
        # A draft saved before the event's short name changed must not bring the old
        # address (or another event) back when it is published.
        obj = super().with_content_json(content)
        obj.slug = self.slug
        obj.event_id = self.event_id
        return obj

    def route(self, request, path_components):
        # An unpublished event has no public pages, whatever the pages' own status.
        if self.event is None or not self.event.is_published:
            raise Http404
        return super().route(request, path_components)


def reserved_slug_error(slug):
    return _(
        "“%(slug)s” is the address of the event's registration or participants page: "
        "choose another one."
    ) % {"slug": slug}


class EventContentPageForm(WagtailAdminPageForm):
    def clean(self):
        data = super().clean()
        parent = self.parent_page.specific if self.parent_page else None
        if isinstance(parent, EventSitePage) and data.get("slug") in RESERVED_SLUGS:
            self.add_error("slug", reserved_slug_error(data["slug"]))
        return data


class EventContentPage(EventPageMixin, Page):
    """A page of the mini-site: practical information, contact, legal notices…"""

    base_form_class = EventContentPageForm

    parent_page_types = ["events.EventSitePage", "events.EventContentPage"]
    subpage_types = ["events.EventContentPage"]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body"), index.SearchField("body_en")]
    template = "events/minisite/content_page.html"

    class Meta:
        verbose_name = _("event mini-site page")

    def __str__(self):
        return self.title

    def menu_url(self, request=None):
        return self.get_url(request)


class EventLinkPage(Page):
    """A menu entry that leads to one of the event's Django pages (registration, catalogue)."""

    class Target(models.TextChoices):
        REGISTER = "register", _("Registration form")
        CATALOGUE = "catalogue", _("Participants catalogue")

    target = models.CharField(_("leads to"), max_length=20, choices=Target.choices)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    parent_page_types = ["events.EventSitePage"]
    subpage_types: list[str] = []
    content_panels = Page.content_panels + [FieldPanel("title_en"), FieldPanel("target")]

    class Meta:
        verbose_name = _("event mini-site link")

    @property
    def localized_title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title

    def site_page(self):
        return EventSitePage.objects.ancestor_of(self).first()

    def menu_url(self, request=None, event=None):
        """The Django page it leads to; `event`, when the caller knows it, spares the
        look-up of the welcome page and its event."""
        if event is None:
            root = self.site_page()
            if root is None or root.event is None:
                return self.get_url(request)
            event = root.event
        return reverse(f"events:{self.target}", kwargs={"slug": event.slug})

    def serve(self, request, *args, **kwargs):
        return redirect(self.menu_url(request))


class MiniSiteAccess(models.Model):
    """The Wagtail objects through which an event's administrators edit its mini-site.

    Members are kept in sync with the Civitas roles (services/minisite.sync_user):
    `editors` = holders of events.manage_event on the event, `publishers` = holders of
    events.publish_pages. `workflow` (publication validation of the event's pages) is
    approved by the publishers. Whatever was deleted in Wagtail is recreated by
    ensure_minisite.
    """

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="minisite_access")
    editors = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publishers = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workflow = models.ForeignKey(
        Workflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mini-site access")
        verbose_name_plural = _("mini-site accesses")

    def __str__(self):
        return str(self.event)
