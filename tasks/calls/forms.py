"""The call form: keyboard first (the client chosen first, then the caller's name has the
keyboard; Enter in a line saves), with the client's playbook answers to choose from."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Contact
from secretary import limits
from secretary.idempotency import IdempotentFormMixin
from tasks.calls.models import Urgency
from tasks.calls.services import MAX_CALL_MINUTES


class CallClientForm(forms.Form):
    """Step one: whom the call is for."""

    client = forms.ModelChoiceField(
        label=_("Client"), queryset=Client.objects.none(), empty_label=_("Choose a client")
    )

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["client"].widget.attrs.update({"autofocus": True})


class CallForm(IdempotentFormMixin, forms.Form):
    caller_name = forms.CharField(label=_("Caller"), max_length=160)
    caller_number = forms.CharField(label=_("Number"), max_length=40, required=False)
    caller_company = forms.CharField(label=_("Company"), max_length=160, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=limits.TEXT_SHORT, required=False)
    inquiry = forms.ChoiceField(label=_("Inquiry from the playbook"), required=False)
    answer_given = forms.CharField(
        label=_("Answer given"),
        max_length=limits.TEXT_SHORT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: the playbook's answer to the inquiry chosen."),
    )
    message_for = forms.ChoiceField(label=_("Message for"), required=False)
    message = forms.CharField(
        label=_("Message"),
        max_length=limits.TEXT_SHORT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message_to_client = forms.BooleanField(
        label=_("Send the message to the client (email and portal)"), required=False
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    follow_up = forms.BooleanField(label=_("Follow-up needed (makes a task)"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=1, max_value=MAX_CALL_MINUTES
    )
    billable = forms.BooleanField(label=_("Bill the time"), required=False)

    def __init__(self, *args, contacts=list, playbook=dict, **kwargs):
        """``contacts`` and ``playbook`` are callables giving the client's contacts and its
        playbook's content: read only when a choice needs them (rendering the form, or a
        posted inquiry or recipient to check), so saving a plain call reads neither."""
        super().__init__(*args, **kwargs)
        self._read_contacts, self._read_playbook = contacts, playbook
        # Callables: Django calls them when the choices are first shown or checked.
        self.fields["inquiry"].choices = self._inquiry_choices
        self.fields["message_for"].choices = self._message_for_choices
        self.fields["caller_name"].widget.attrs.update({"autofocus": True})
        self.fields["caller_number"].widget.attrs.update({"inputmode": "tel"})

    @cached_property
    def playbook_content(self) -> dict:
        return self._read_playbook() or {}

    @cached_property
    def contacts(self) -> dict:
        return {str(contact.pk): contact for contact in self._read_contacts()}

    @cached_property
    def answers(self) -> dict:
        inquiries = self.playbook_content.get("inquiries", [])
        return {row["question"][:300]: row["answer"] for row in inquiries}

    def _inquiry_choices(self) -> list:
        return [
            ("", _("Not from the playbook")),
            *((question, question) for question in self.answers),
        ]

    def _message_for_choices(self) -> list:
        people = [p.get("name") for p in self.playbook_content.get("people", []) if p.get("name")]
        return [
            ("", _("Nobody in particular")),
            *((f"person:{name}", _("%(name)s (key person)") % {"name": name}) for name in people),
            *(
                (f"contact:{pk}", _("%(name)s (contact)") % {"name": contact.name})
                for pk, contact in self.contacts.items()
            ),
        ]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        choice = data.pop("message_for", "") or ""
        kind, _sep, value = choice.partition(":")
        data["message_for_contact"] = self.contacts.get(value) if kind == "contact" else None
        data["message_for_name"] = value if kind == "person" else ""
        if data.get("inquiry") and not data.get("answer_given"):
            data["answer_given"] = self.answers.get(data["inquiry"], "")
        return data


def contacts_of(*, practice, client) -> list[Contact]:
    return list(
        Contact.objects.for_practice(practice)
        .filter(client=client)
        .only("practice", "client", "name")
    )
