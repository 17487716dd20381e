from .catalogue import Correspondent, Product, Queue, ReleaseNote, Structure, Version
from .portal import FaqArticle, News, TimeBook, TimeEntry, UserRequest
from .reporting import ReportMailing
from .roadmap import Evolution
from .satisfaction import Satisfaction
from .sla import Clock, Level, SlaTable, SlaTarget, SupportCalendar
from .ticket import Attachment, Message, Service, SlaAlert, StateChange, Ticket, TicketState

__all__ = [
    "FaqArticle",
    "News",
    "ReleaseNote",
    "ReportMailing",
    "TimeBook",
    "TimeEntry",
    "UserRequest",
    "Attachment",
    "Clock",
    "Correspondent",
    "Evolution",
    "Level",
    "Message",
    "Product",
    "Queue",
    "Satisfaction",
    "Service",
    "SlaAlert",
    "SlaTable",
    "SlaTarget",
    "StateChange",
    "Structure",
    "SupportCalendar",
    "Ticket",
    "TicketState",
    "Version",
]
