"""Base class of a payment provider.

A provider turns a `Payment` into a way to pay (`start`), reads what happened
(`fetch`, for providers that are asked) and verifies incoming notifications
(`parse_notice`). It never changes a payment itself: `payments.apply` does, once."""

from __future__ import annotations

from dataclasses import dataclass


class Outcome:
    PAID = "paid"
    REFUSED = "refused"
    ABANDONED = "abandoned"
    PENDING = "pending"


class ProviderDown(Exception):
    """The provider did not answer: the payment stays pending."""


class NoticeRefused(Exception):
    """A notification that is not verified (forged, stale) or is unreadable."""


@dataclass
class Start:
    redirect_url: str = ""
    instructions: str = ""  # shown to the payer (bank transfer)
    provider_ref: str = ""


@dataclass
class Notice:
    reference: str  # our Payment.reference
    outcome: str
    provider_ref: str = ""
    amount_cents: int | None = None
    transaction_id: str = ""


class PaymentProvider:
    code = ""
    label = ""
    # Whether the payer is sent away (card) or given instructions (transfer).
    redirects = True

    def start(self, payment, *, notify_url: str, return_url: str) -> Start:
        raise NotImplementedError

    def fetch(self, payment) -> Notice | None:
        """Ask the provider what happened (None: this provider is not asked)."""
        return None

    def parse_notice(self, request) -> Notice:
        """Verify and read a notification; raise NoticeRefused."""
        raise NoticeRefused("This provider sends no notifications.")
