"""An editor of one event's mini-site does not see another event's draft page titles in the
Wagtail admin: explorer, search, page chooser, dashboard (issue 31, item 10)."""

import pytest
from wagtail.models import Page

from civitas.core.models import Role
from civitas.events.models import EventContentPage, EventSitePage
from tests.conftest import make_user

from .conftest import make_event

pytestmark = pytest.mark.django_db

SECRET = "Projet confidentiel Xylophone"


def test_editor_of_event_y_sees_no_title_of_event_x(client):
    x, y = make_event("event-x"), make_event("event-y")
    root_x = EventSitePage.objects.get(event=x)
    draft = root_x.add_child(
        instance=EventContentPage(title=SECRET, title_en=SECRET, slug="secret", live=False)
    )
    draft.save_revision()
    role = Role.objects.create(
        code="event_editor",
        name="Event pages",
        permissions=["core.access_backoffice", "events.view_registrations", "events.manage_event"],
    )
    editor = make_user("editor-y@example.org", role_code=role.code, scope=("event", y.pk))
    client.force_login(editor)
    index = Page.objects.get(pk=root_x.get_parent().pk)
    urls = [
        "/cms/",
        "/cms/pages/",
        f"/cms/pages/{index.pk}/",
        "/cms/pages/search/?q=Xylophone",
        "/cms/pages/search/results/?q=Xylophone",
        "/cms/choose-page/",
        f"/cms/choose-page/{index.pk}/",
        f"/cms/choose-page/{root_x.pk}/",
        "/cms/choose-page/search/?q=Xylophone",
    ]
    seen = []
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        if "Projet confidentiel" in response.content.decode():
            seen.append(url)
    assert seen == [], f"event X draft title shown to event Y editor at {seen}"
    # Their own event's pages stay reachable.
    assert client.get(f"/cms/pages/{EventSitePage.objects.get(event=y).pk}/").status_code == 200
