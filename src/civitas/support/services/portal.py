"""Portal rules: FAQ search, time book and its phone cap, portal-user requests, the
first-login privacy notice, the home page's blocks."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from ..models import Correspondent, FaqArticle, News, TimeBook, TimeEntry, UserRequest
from .tickets import TicketError

MAX_WORDS = 20
REQUEST_HISTORY_DAYS = 60
PLANNED_DAYS = 122  # "the next 4 months"


def search_faq(query: str, product=None):
    """FAQ articles matching the words typed: PostgreSQL French full-text (stemmed, ranked),
    every word as a substring on other databases."""
    words = (query or "").split()[:MAX_WORDS]
    qs = FaqArticle.objects.select_related("product")
    if product is not None:
        qs = qs.filter(product=product)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("question", weight="A", config="french") + SearchVector(
            "answer", weight="B", config="french"
        )
        search = SearchQuery(" ".join(words), config="french", search_type="websearch")
        return (
            qs.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "-published_at")
        )
    for word in words:
        qs = qs.filter(Q(question__icontains=word) | Q(answer__icontains=word))
    return qs


# --- time book ---------------------------------------------------------------------------


def _months(first: date, last: date):
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def phone_minutes_left(
    cap: int, used_per_month: dict[tuple[int, int], int], first: date, on: date
) -> int | None:
    """Phone minutes left in the month of ``on``: ``cap`` a month from ``first``, unused
    minutes carried over to the next months (002 art. 10). None: no cap."""
    if not cap:
        return None
    balance = 0
    for key in _months(first, on):
        balance = max(balance + cap - used_per_month.get(key, 0), 0)
    return balance


def _phone_usage(book: TimeBook) -> dict[tuple[int, int], int]:
    usage: dict[tuple[int, int], int] = {}
    for on, minutes in book.entries.filter(kind=TimeEntry.Kind.PHONE).values_list("on", "minutes"):
        usage[(on.year, on.month)] = usage.get((on.year, on.month), 0) + minutes
    return usage


def book_balance(book: TimeBook, on: date | None = None) -> dict:
    on = on or timezone.localdate()
    spent = book.entries.aggregate(total=Sum("minutes"))["total"] or 0
    bought = int(book.hours_bought * 60)
    return {
        "bought_minutes": bought,
        "spent_minutes": spent,
        "left_minutes": bought - spent,
        "phone_left_minutes": phone_minutes_left(
            book.phone_minutes_per_month, _phone_usage(book), book.starts_on, on
        ),
    }


@transaction.atomic
def record_time(
    book: TimeBook, minutes: int, *, on: date, kind="ticket", ticket=None, agent=None
) -> TimeEntry:
    """Deduct time spent from the book; phone assistance beyond the month's cap (with
    carry-over) is refused."""
    locking.lock(rows=[TimeBook.objects.filter(pk=book.pk)])
    if minutes <= 0:
        raise TicketError(_("Give the time spent in minutes."))
    if kind == TimeEntry.Kind.PHONE:
        left = phone_minutes_left(
            book.phone_minutes_per_month, _phone_usage(book), book.starts_on, on
        )
        if left is not None and minutes > left:
            raise TicketError(
                _("Only %(n)s minutes of phone assistance are left this month.") % {"n": left}
            )
    locking.checkpoint()
    return TimeEntry.objects.create(
        book=book, minutes=minutes, on=on, kind=kind, ticket=ticket, agent=agent
    )


# --- users of the portal ------------------------------------------------------------------


@transaction.atomic
def request_user(structure, by, action, email, full_name="", *, request=None, now=None):
    """A référent asks to add, suspend or delete a portal user. At most
    ``structure.max_portal_users`` users (declared plus pending additions)."""
    now = now or timezone.now()
    locking.lock(names=[f"support:users:{structure.pk}"])
    email = email.strip().lower()
    declared = Correspondent.objects.filter(structure=structure)
    if action == UserRequest.Action.ADD:
        pending = UserRequest.objects.filter(
            structure=structure, action="add", state=UserRequest.State.PENDING
        ).count()
        if declared.count() + pending >= structure.max_portal_users:
            raise TicketError(
                _("Your structure has reached its %(n)s portal users.")
                % {"n": structure.max_portal_users}
            )
        if declared.filter(user__email__iexact=email).exists():
            raise TicketError(_("This person is already a portal user."))
    elif not declared.filter(user__email__iexact=email).exists():
        raise TicketError(_("This person is not a portal user of your structure."))
    locking.checkpoint()
    made = UserRequest.objects.create(
        structure=structure,
        action=action,
        email=email,
        full_name=full_name,
        requested_by=by,
        created_at=now,
    )
    journal.record(
        "support.user_request", request=request, obj=structure, details={"action": action}
    )
    return made


def request_history(structure, now=None):
    now = now or timezone.now()
    return UserRequest.objects.filter(
        structure=structure, created_at__gte=now - timedelta(days=REQUEST_HISTORY_DAYS)
    )


def needs_privacy_notice(user) -> bool:
    return Correspondent.objects.filter(user=user, privacy_acknowledged_at__isnull=True).exists()


def acknowledge_privacy(user, now=None) -> None:
    Correspondent.objects.filter(user=user, privacy_acknowledged_at__isnull=True).update(
        privacy_acknowledged_at=now or timezone.now()
    )


def home_blocks(structure, now=None) -> dict:
    now = now or timezone.now()
    live = News.objects.filter(published_at__lte=now)
    book = TimeBook.objects.filter(structure=structure).first() if structure else None
    return {
        "news": live.filter(kind__in=["news", "update", "incident"])[:5],
        "faq": FaqArticle.objects.select_related("product").order_by("-published_at")[:3],
        "planned": live.filter(
            kind="maintenance",
            starts_at__gte=now,
            starts_at__lte=now + timedelta(days=PLANNED_DAYS),
        ).order_by("starts_at"),
        "balance": book_balance(book) if book else None,
    }


def area_section(request) -> dict | None:
    """The support section of "Mon espace": for a declared correspondent, their structure,
    their open tickets and those waiting for their answer (None for anybody else)."""
    from civitas.core.permissions import has_perm

    from ..models import Correspondent, Ticket

    user = request.user
    if not user.is_authenticated or not has_perm(user, "support.open_tickets"):
        return None
    link = Correspondent.objects.filter(user=user).select_related("structure").first()
    if link is None:
        return None
    open_tickets = Ticket.objects.filter(structure=link.structure, state__closed=False)
    waiting = open_tickets.filter(state__waits_customer=True)
    return {
        "structure": link.structure,
        "open_count": open_tickets.count(),
        "waiting": list(waiting.select_related("state").order_by("-updated_at")[:5]),
        "pending": waiting.count(),
    }
