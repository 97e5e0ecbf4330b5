class ApplicationError(Exception):
    """A rule of the product was broken; ``message`` is fit to show the user.

    ``errors`` maps field names to lists of messages. The API renders this as HTTP 400
    ``{"message": ..., "errors": {...}}``; HTML views show it on the form.
    """

    def __init__(self, message, *, errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.errors = {
            key: value if isinstance(value, list) else [value]
            for key, value in (errors or {}).items()
        }

    def add_to_form(self, form) -> None:
        """Show this error on a Django form: field errors next to fields, the rest on top."""
        if not self.errors:
            form.add_error(None, self.message)
            return
        for field, messages in self.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
