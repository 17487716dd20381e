from .event import SCOPE_EVENT, Day, Event, Room, Session, Site, Slot
from .experts import Expert, ExpertAbsence, ExpertiseField, ExpertMeeting
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
from .sync import DeletedRecord, WebhookDelivery, WebhookSubscription
from .waitlist import SlotWaitlistEntry

__all__ = [
    "EventPayment",
    "Order",
    "PriceCategory",
    "PromoCode",
    "SCOPE_EVENT",
    "Company",
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
    "MiniSiteAccess",
    "ModerationStatus",
    "NaceSection",
    "Offer",
    "RegistrationFormSettings",
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
