from .agenda_links import AgendaLinkSent, AgendaLinksMailing
from .animations import Animation, AnimationRegistration, Speaker
from .badges import BadgeDesign
from .checkin import Checkin, CheckinList, MeetingOutcome
from .coorganisers import CoOrganiser, CoOrganiserRule
from .event import SCOPE_COORGANISER, SCOPE_EVENT, Day, Event, Room, Session, Site, Slot
from .experts import Expert, ExpertAbsence, ExpertiseField, ExpertMeeting
from .feedback import Answer, Invitation, Question, Survey
from .lists import CooperationType, KeyFigure, Keyword, NaceSection, Sector
from .meetings import Meeting, MeetingRequest, ScheduleRun
from .messaging import Conversation, ConversationMember, ConversationMessage
from .minisite import (
    EventContentPage,
    EventIndexPage,
    EventLinkPage,
    EventSitePage,
    MiniSiteAccess,
)
from .moderation import ModerationStatus
from .pricing import EventPayment, Order, PriceCategory, PromoCode
from .regform import ExtraField, RegistrationFormSettings
from .registration import Company, Offer, Representative
from .reminders import ReminderRule, ReminderSent
from .sync import DeletedRecord, WebhookDelivery, WebhookSubscription
from .waitlist import SlotWaitlistEntry

__all__ = [
    "AgendaLinkSent",
    "AgendaLinksMailing",
    "Answer",
    "Invitation",
    "Question",
    "Survey",
    "BadgeDesign",
    "EventPayment",
    "Order",
    "PriceCategory",
    "PromoCode",
    "SCOPE_COORGANISER",
    "SCOPE_EVENT",
    "Animation",
    "AnimationRegistration",
    "Speaker",
    "Checkin",
    "CheckinList",
    "Company",
    "CoOrganiser",
    "CoOrganiserRule",
    "Conversation",
    "ConversationMember",
    "ConversationMessage",
    "CooperationType",
    "Day",
    "Event",
    "Expert",
    "ExpertAbsence",
    "ExpertMeeting",
    "ExpertiseField",
    "ExtraField",
    "EventContentPage",
    "EventIndexPage",
    "EventLinkPage",
    "EventSitePage",
    "KeyFigure",
    "Keyword",
    "Meeting",
    "MeetingRequest",
    "MeetingOutcome",
    "MiniSiteAccess",
    "ModerationStatus",
    "NaceSection",
    "Offer",
    "RegistrationFormSettings",
    "ReminderRule",
    "ReminderSent",
    "Representative",
    "Room",
    "ScheduleRun",
    "Sector",
    "Session",
    "Site",
    "Slot",
    "SlotWaitlistEntry",
    "DeletedRecord",
    "WebhookDelivery",
    "WebhookSubscription",
]
