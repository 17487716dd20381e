from .jobs import JobProgress
from .journal import JournalEntry, LoginEvent
from .org import Organisation, Unit
from .periodic import PeriodicRun
from .roles import Role, RoleAssignment
from .throttle import ThrottleCount
from .users import User

__all__ = [
    "JobProgress",
    "JournalEntry",
    "LoginEvent",
    "Organisation",
    "PeriodicRun",
    "Role",
    "RoleAssignment",
    "ThrottleCount",
    "Unit",
    "User",
]
