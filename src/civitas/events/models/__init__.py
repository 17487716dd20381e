from .event import SCOPE_EVENT, Day, Event, Room, Session, Site, Slot
from .lists import CooperationType, KeyFigure, Keyword, NaceSection, Sector
from .meetings import Meeting, MeetingRequest, ScheduleRun
from .regform import ExtraField, RegistrationFormSettings
from .registration import Company, Offer, Representative

__all__ = [
    "SCOPE_EVENT",
    "Company",
    "CooperationType",
    "Day",
    "Event",
    "ExtraField",
    "KeyFigure",
    "Keyword",
    "Meeting",
    "MeetingRequest",
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
]
