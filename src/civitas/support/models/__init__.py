from .catalogue import Correspondent, Product, Queue, Structure, Version
from .sla import Clock, Level, SlaTable, SlaTarget, SupportCalendar
from .ticket import Attachment, Message, Service, SlaAlert, StateChange, Ticket, TicketState

__all__ = [
    "Attachment",
    "Clock",
    "Correspondent",
    "Level",
    "Message",
    "Product",
    "Queue",
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
