from .event import SCOPE_EVENT, Day, Event, Room, Session, Site, Slot
from .lists import CooperationType, KeyFigure, Keyword, NaceSection, Sector
from .meetings import Meeting, MeetingRequest, ScheduleRun
from .registration import Company, Offer, Representative
from .sync import DeletedRecord, WebhookDelivery, WebhookSubscription

__all__ = [
    "SCOPE_EVENT",
    "Company",
    "CooperationType",
    "Day",
    "Event",
    "KeyFigure",
    "Keyword",
    "Meeting",
    "MeetingRequest",
    "NaceSection",
    "Offer",
    "Representative",
    "Room",
    "ScheduleRun",
    "Sector",
    "Session",
    "Site",
    "Slot",
    "DeletedRecord",
    "WebhookDelivery",
    "WebhookSubscription",
]
