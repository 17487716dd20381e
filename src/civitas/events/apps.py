from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm, RoleTemplate, Scope, Trail


def _describe_event(pk):
    from .models import Event

    event = Event.objects.filter(pk=pk).first()
    return str(event) if event else f"#{pk}"


def _event_choices():
    from .models import Event

    return [(e.pk, str(e)) for e in Event.objects.all()]


def _event_chain(obj):
    return obj.civitas_scope_chain()


def _describe_coorganiser(pk):
    from .models import CoOrganiser

    co = CoOrganiser.objects.select_related("event").filter(pk=pk).first()
    return f"{co.event} – {co}" if co else f"#{pk}"


def _coorganiser_choices():
    from .models import CoOrganiser

    return [
        (co.pk, f"{co.event} – {co}")
        for co in CoOrganiser.objects.select_related("event").order_by("event__name", "name")
    ]


_SECRETS = ("calendar_token", "checkin_token")

MODULE = Module(
    label="events",
    verbose_name=_("Business events"),
    permissions=[
        Perm("events.create_event", _("Create business events")),
        Perm("events.manage_event", _("Set up an event (days, slots, rooms, lists, pages)")),
        Perm("events.view_registrations", _("See an event's registrations and meetings")),
        Perm("events.validate_registrations", _("Validate, correct or reject registrations")),
        Perm("events.manage_meetings", _("Cancel and move meetings of an event")),
        Perm("events.run_scheduling", _("Run and publish the automatic scheduling")),
        Perm("events.manage_messages", _("Read and answer participants' messages")),
        Perm("events.send_mailings", _("Send mailings to an event's participants")),
        Perm(
            "events.api_write",
            _("Create and update companies and contacts through the API (CRM)"),
        ),
        Perm("events.manage_webhooks", _("Manage an event's webhooks (CRM notifications)")),
        Perm(
            "events.publish_pages",
            _("Publish the event's mini-site pages and approve their changes"),
        ),
        Perm(
            "events.view_change_trail",
            _("See the change trail of an event's data (who changed what, when)"),
        ),
        Perm(
            "events.manage_sales",
            _("Set an event's prices and promo codes, see its orders, record payments"),
        ),
        Perm("events.check_in", _("Check participants in at the entrance of an event")),
    ],
    roles=[
        RoleTemplate(
            "event_reception",
            _("Event reception"),
            ("events.check_in",),
            _("Scans badges and convocations at the entrance, on a phone or a tablet."),
        ),
        RoleTemplate(
            "event_coorganiser",
            _("Co-organiser"),
            (
                "core.access_backoffice",
                "events.view_registrations",
                "events.validate_registrations",
                "events.manage_meetings",
            ),
            _(
                "Given on one co-organiser of an event: sees, validates and corrects the "
                "companies it follows and books their meetings, in the co-organiser space."
            ),
        ),
    ],
    scope_types=[
        Scope("event", _("Event"), _event_chain, _describe_event, _event_choices),
        Scope(
            "coorganiser",
            _("Event – co-organiser"),
            _event_chain,
            _describe_coorganiser,
            _coorganiser_choices,
            model="events.CoOrganiser",
        ),
    ],
    navigation=[
        Nav(
            _("Business events"), _("Events"), "events:bo_events", "events.view_registrations", 200
        ),
        Nav(
            _("Business events"),
            _("Sales per establishment"),
            "events:bo_sales_by_seller",
            "events.manage_sales",
            201,
        ),
        Nav(
            _("Business events"),
            _("Calendar of events"),
            "events:bo_calendar",
            "events.view_registrations",
            202,
        ),
    ],
    journal_actions="civitas.events.journal_actions.LABELS",
    message_templates=[
        "civitas.events.services.notify.register_templates",
        "civitas.events.services.messaging.register_templates",
        "civitas.events.services.expert_messages.register_templates",
        "civitas.events.services.meeting_messages.register_templates",
        "civitas.events.services.animations.register_templates",
        "civitas.events.services.reminders.register_templates",
        "civitas.events.services.feedback.register_templates",
        "civitas.events.services.checkout.register_templates",
        "civitas.events.services.dashboard.register_templates",
        "civitas.events.services.coorganisers.register_templates",
    ],
    require=["periodic_jobs", "exports"],
    demo_accounts=[
        ("acheteur@demo.civitas.fr", _("Buyer with an open basket on the paid demo event")),
        (
            "coorganisateur@demo.civitas.fr",
            _("Co-organiser of the demo event: validates and follows its own companies"),
        ),
    ],
    # Every create, update and delete of event data leaves who, when and what changed
    # (seed 003 §15.3). Private messages and delivery logs are left out: they are records
    # themselves, not data someone edits.
    change_trail=[
        Trail("events.Event"),
        Trail("events.Site"),
        Trail("events.Room"),
        Trail("events.Day"),
        Trail("events.Session"),
        Trail("events.Slot"),
        Trail("events.Sector"),
        Trail("events.Keyword"),
        Trail("events.KeyFigure"),
        Trail("events.CooperationType"),
        Trail("events.RegistrationFormSettings"),
        Trail("events.ExtraField", m2m_fields=("sectors",)),
        Trail("events.Company", exclude_fields=("search_text", "updated_at")),
        Trail("events.CoOrganiser"),
        Trail("events.CoOrganiserRule"),
        Trail(
            "events.Representative",
            exclude_fields=(*_SECRETS, "updated_at"),
            m2m_fields=("absent_sessions",),
        ),
        Trail(
            "events.Offer",
            exclude_fields=("updated_at",),
            m2m_fields=("keywords", "key_figures"),
        ),
        Trail("events.MeetingRequest", exclude_fields=("updated_at",)),
        Trail("events.Meeting", exclude_fields=("updated_at",)),
        Trail("events.SlotWaitlistEntry"),
        Trail("events.ExpertiseField"),
        Trail(
            "events.Expert",
            exclude_fields=(*_SECRETS,),
            m2m_fields=("fields", "sought_sectors", "sessions", "absent_days"),
        ),
        Trail("events.ExpertMeeting"),
        Trail("events.ExpertAbsence"),
        Trail("events.WebhookSubscription", exclude_fields=("secret",)),
        Trail("events.Animation", m2m_fields=("invited",)),
        Trail("events.Speaker"),
        Trail("events.AnimationRegistration", exclude_fields=("updated_at",)),
        Trail("events.CheckinList"),
        Trail("events.MeetingOutcome"),
        Trail("events.BadgeDesign"),
        Trail("events.ReminderRule"),
        Trail("events.Survey"),
        Trail("events.Question"),
        Trail("events.EventPayment"),
        Trail("events.PriceCategory"),
        Trail("events.PromoCode", m2m_fields=("categories",)),
        Trail("events.Order"),
    ],
    on_ready=[
        "civitas.events.services.mailing.register_source",
        "civitas.events.services.sync.connect",
        "civitas.events.apps.connect_minisite",
        "civitas.events.apps.register_home",
        "civitas.events.services.animations.register_placement",
        "civitas.events.services.animations.register_checkout",
        "civitas.events.services.checkout.connect_signals",
        "civitas.events.services.word_merge.register_kinds",
        "civitas.events.services.animations.register_checkin",
        "civitas.events.services.checkout.register_checkin",
    ],
)


def connect_minisite():
    """The mini-site follows the event, and Wagtail groups follow the Civitas roles."""
    from django.db.models.signals import post_delete, post_save, pre_delete
    from wagtail.models import Page, Site
    from wagtail.signals import post_page_move

    from civitas.core.signals import roles_changed

    from .models import Event, EventContentPage, EventLinkPage, EventSitePage
    from .services import minisite

    uid = "events.minisite"
    post_save.connect(minisite.on_event_saved, sender=Event, dispatch_uid=uid)
    pre_delete.connect(minisite.on_event_deleted, sender=Event, dispatch_uid=uid)
    roles_changed.connect(minisite.on_roles_changed, dispatch_uid=uid)
    # The cached menu of the public pages follows the pages (and the Wagtail sites).
    for model in (Page, EventSitePage, EventContentPage, EventLinkPage):
        menu_uid = f"events.minisite.menu.{model.__name__}"
        post_save.connect(minisite.on_page_changed, sender=model, dispatch_uid=menu_uid)
        post_delete.connect(minisite.on_page_changed, sender=model, dispatch_uid=menu_uid)
    post_page_move.connect(minisite.on_page_moved, dispatch_uid="events.minisite.menu.move")
    for signal in (post_save, post_delete):
        signal.connect(minisite.on_site_changed, sender=Site, dispatch_uid="events.minisite.site")


def register_home():
    """The public home page presents the events, and the header links to them."""
    from civitas.core import home

    from .services.public import home_section

    home.register_link(_("Events"), "events:event_list", order=10)
    home.register_section(
        "events.upcoming", "events/public/home_section.html", home_section, order=10
    )
    home.register_backoffice_section(
        "events.managed",
        "events/backoffice/home_section.html",
        "civitas.events.services.organiser_home.backoffice_section",
        order=10,
    )
    home.register_area_section(
        "events.mine",
        "events/area/my_space_section.html",
        "civitas.events.services.my_space.area_section",
        order=10,
    )


class EventsConfig(AppConfig):
    name = "civitas.events"
    label = "events"
    verbose_name = _("Business events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
