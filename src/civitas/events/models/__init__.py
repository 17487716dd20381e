from .event import SCOPE_EVENT, Day, Event, Room, Session, Site, Slot
from .lists import CooperationType, KeyFigure, Keyword, NaceSection, Sector
from .meetings import Meeting, MeetingRequest, ScheduleRun
from .minisite import (
    EventContentPage,
    EventIndexPage,
    EventLinkPage,
    EventSitePage,
    MiniSiteAccess,
)
from .registration import Company, Offer, Representative

__all__ = [
    "SCOPE_EVENT",
    "Company",
    "CooperationType",
    "Day",
    "Event",
    "EventContentPage",
    "EventIndexPage",
    "EventLinkPage",
    "EventSitePage",
    "KeyFigure",
    "Keyword",
    "Meeting",
    "MeetingRequest",
    "MiniSiteAccess",
    "NaceSection",
    "Offer",
    "Representative",
    "Room",
    "ScheduleRun",
    "Sector",
    "Session",
    "Site",
    "Slot",
]
