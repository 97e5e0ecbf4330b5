from django.contrib import messages


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
        for field, field_messages in self.errors.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)


def form_submit(request, form, action, *, success=None) -> tuple[bool, object]:
    """Run ``action(form.cleaned_data)`` when the bound form is valid.

    A broken rule (``ApplicationError``) lands on the form, so the page can show it again.
    On success, ``success`` (a message, or a callable taking the action's result and
    returning one) is flashed. Returns ``(True, result)`` when the action ran, otherwise
    ``(False, None)``.

    A form with a single-use token (``IdempotentFormMixin``) runs the action once per token:
    the same form posted again gives ``(True, the row the first post made)``.
    """
    # Imported here: the idempotency helpers raise ApplicationError from this module.
    from secretary.idempotency import submit_once

    if not form.is_valid():
        return False, None
    try:
        result = submit_once(request, form, lambda: action(form.cleaned_data))
    except ApplicationError as error:
        error.add_to_form(form)
        return False, None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return True, result
