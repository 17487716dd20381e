from .jobs import JobProgress
from .journal import JournalEntry, LoginEvent
from .org import Organisation, Unit
from .periodic import PeriodicRun
from .roles import Role, RoleAssignment
from .security import SecondFactorThrottle
from .throttle import ThrottleCount
from .tokens import ApiToken
from .users import User

__all__ = [
    "ApiToken",
    "JobProgress",
    "JournalEntry",
    "LoginEvent",
    "Organisation",
    "PeriodicRun",
    "Role",
    "RoleAssignment",
    "SecondFactorThrottle",
    "ThrottleCount",
    "Unit",
    "User",
]
