"""Signals of core billing, for the modules that sell.

- `vat_check_resolved(sender, check)`: a pending VIES check got an answer (valid/invalid).
- `payment_settled(sender, payment)`: a payment became paid (sent once, after commit).
- `payment_failed(sender, payment)`: refused or abandoned.
Receivers find their own object from `payment.payable` ("events.order:12").
"""

from django.dispatch import Signal

vat_check_resolved = Signal()
payment_settled = Signal()
payment_failed = Signal()
