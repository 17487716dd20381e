"""Business rules of the events module: the only code that changes its state."""


class ServiceError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""
