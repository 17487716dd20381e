"""Personal data held by the events module (read by civitas.core.gdpr.registry).

Representatives are anonymised rather than deleted on erasure: their meetings stay in the
event's records (attendance, fill rates, invoicing) for the retention period.
"""

from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r

r.register(
    "events.Representative",
    category="identity",
    person_fields=["first_name", "last_name", "job_title", "email", "phone", "user", "extra"],
    subject_filter=r.person_filter("email", "user"),
    erase="anonymise",
    anonymise={
        "first_name": "Anonyme",
        "last_name": "",
        "job_title": "",
        "email": lambda obj, subject: f"anonyme-{obj.pk}@invalid.invalid",
        "phone": "",
        "user": None,
    },
    rectify_fields=["first_name", "last_name", "job_title", "email", "phone"],
)
r.register(
    "events.Company",
    category="identity",
    person_fields=["name", "email", "phone", "address", "postcode", "city", "extra"],
    subject_filter=r.person_filter("email"),
    erase="anonymise",
    anonymise={"email": "", "phone": ""},
    rectify_fields=["email", "phone"],
)
r.register_user_links("events.ScheduleRun", category="content")
r.exempt(
    "events.Event",
    _("The organiser address is the event's published functional contact, not a person's."),
)
r.exempt("events.Site", _("A venue's postal address."))
r.exempt(
    "events.CoOrganiser",
    _(
        "A co-organising organisation's functional address for copies of registrations, "
        "not a person's."
    ),
)
r.exempt("events.CoOrganiserRule", _("A postcode start used to assign companies, no address."))
r.exempt(
    "events.MeetingRequest",
    _(
        "Links two representatives; their personal data lives in Representative (anonymised "
        "on erasure)."
    ),
)


# --- Private messages (events.models.messaging) ---------------------------------------------
# Retention: the "messages" category rule of the register applies to created_at, and the
# periodic job "events.purge_conversations" deletes every conversation of an event one year
# (CIVITAS_EVENTS_MESSAGES_KEEP_DAYS) after its end, the spec's keeping period.


# A participant's own messages. Organisers' answers are written on behalf of the
# organisation: they stay in the participant's conversation; deleting the organiser's
# account only clears `author_user` (SET_NULL).
r.register(
    "events.ConversationMessage",
    category="messages",
    person_fields=["body", "author", "author_user", "created_at"],
    subject_filter=r.person_filter("author__email", "author__user"),
    erase="delete",
    retention_field="created_at",
    rectify_fields=[],
)
r.register(
    "events.ConversationMember",
    category="connection",
    person_fields=["representative", "read_at", "notified_at"],
    subject_filter=r.person_filter("representative__email", "representative__user"),
    erase="delete",
    rectify_fields=[],
)
r.register(
    "events.Expert",
    category="identity",
    person_fields=[
        "first_name",
        "last_name",
        "job_title",
        "organisation",
        "email",
        "phone",
        "bio",
        "photo",
        "user",
    ],
    subject_filter=r.person_filter("email", "user"),
    erase="anonymise",
    anonymise={
        "first_name": "Anonyme",
        "last_name": "",
        "job_title": "",
        "organisation": "",
        "email": lambda obj, subject: f"anonyme-expert-{obj.pk}@invalid.invalid",
        "phone": "",
        "bio": "",
        "photo": "",
        "user": None,
    },
    rectify_fields=["first_name", "last_name", "job_title", "organisation", "email", "phone"],
)
r.exempt(
    "events.ExpertMeeting",
    _(
        "Links a representative and an expert; their personal data lives in Representative "
        "and Expert (anonymised on erasure)."
    ),
)
r.register_user_links("events.ExpertAbsence", category="content")
r.exempt(
    "events.SlotWaitlistEntry",
    _(
        "Links a meeting request to a slot; the personal data lives in Representative "
        "(anonymised on erasure)."
    ),
)
r.register_user_links("events.WebhookSubscription", category="content")
r.exempt(
    "events.WebhookDelivery",
    _("Notification payloads hold ids, states and times only, never a person's data."),
)
r.exempt("events.DeletedRecord", _("A type and an id of a deleted record, nothing else."))
# Offers hold no personal data of their own; only the administrator who moderated them.
r.register_user_links("events.Offer", category="change_history", fields=["moderated_by"])


# --- Animations (workshops, conferences, trainings, round tables) ----------------------------
r.register_user_links("events.Animation", category="content", fields=["person_in_charge"])
r.register(
    "events.Speaker",
    category="identity",
    person_fields=["name", "company", "contact", "photo", "theme"],
    subject_filter=r.person_filter("contact"),
    erase="anonymise",
    anonymise={"name": "Anonyme", "company": "", "contact": "", "photo": ""},
    rectify_fields=["name", "company", "contact"],
)
r.exempt(
    "events.AnimationRegistration",
    _(
        "Links a representative to an animation; the personal data lives in Representative "
        "(anonymised on erasure)."
    ),
)

# --- Event day (check-in, meetings held, reminders) ------------------------------------------
# Who checked a person in, or confirmed a meeting, as a staff member: the link is cleared
# when that account is erased (the check-in itself stays: it is the attendance record).
r.register_user_links("events.Checkin", category="content")
r.register_user_links("events.MeetingOutcome", category="content")
r.exempt(
    "events.AgendaLinksMailing",
    _("A job mailing the agenda links of an event: its state and count, no person."),
)
r.exempt(
    "events.AgendaLinkSent",
    _(
        "Records that the link to their agenda went to a representative in one job (the "
        "representative's key, no name or address); the person's data lives in Representative."
    ),
)
r.exempt(
    "events.ReminderSent",
    _(
        "Records that a reminder went to a representative or expert (a key such as "
        '"rep:12", no name or address); the person\'s data lives in Representative / Expert.'
    ),
)
