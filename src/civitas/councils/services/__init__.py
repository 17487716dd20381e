class ServiceError(Exception):
    """A refusal with a message for the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)
