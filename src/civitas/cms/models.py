from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The public home page of the deployment."""

    intro = RichTextField(_("introduction"), blank=True)
    intro_en = RichTextField(_("introduction (English)"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class ContentPage(Page):
    """A plain page: practical information, legal notices, contact..."""

    body = RichTextField(_("body"), blank=True)
    body_en = RichTextField(_("body (English)"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]

    class Meta:
        verbose_name = _("content page")
