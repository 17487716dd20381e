"""Wagtail admin hooks of the platform."""

from django.db.models import Q
from wagtail import hooks
from wagtail.permissions import page_permission_policy


@hooks.register("construct_page_chooser_queryset")
def only_published_or_explorable_pages(pages, request):
    """The page chooser (used to link pages) lists published pages and the pages the editor
    may explore, never another team's drafts: an editor of one event's mini-site must not
    read the titles of another event's unpublished pages (issue 31)."""
    user = request.user
    if user.is_superuser:
        return pages
    explorable = page_permission_policy.explorable_instances(user).values_list("pk", flat=True)
    return pages.filter(Q(live=True) | Q(pk__in=explorable))
