"""Forms of transcription jobs: sending a recording (portal and staff)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from secretary import limits
from secretary.errors import ApplicationError
from secretary.idempotency import IdempotentFormMixin
from tasks.forms import name_empty_choices
from tasks.transcription import services
from tasks.transcription.models import Turnaround


class TranscriptionForm(IdempotentFormMixin, forms.Form):
    """A recording to transcribe. Staff choose the client; a contact sends for their own."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    audio = forms.FileField(label=_("Recording"))
    turnaround = forms.ChoiceField(
        label=_("Turnaround"), choices=Turnaround.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes for the transcriber"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who speaks, how names and terms are spelled, what to leave out."),
    )

    def __init__(self, *args, practice, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
            name_empty_choices(self, client=_("Choose a client"))
        else:
            del self.fields["client"]
        self.fields["audio"].help_text = services.audio_limits_text()
        self.fields["audio"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in services.AUDIO_EXTENSIONS
        )
        self.fields["turnaround"].help_text = _(
            "The job is due this long after you send it; 5 business days skip weekends."
        )

    def clean_audio(self):
        upload = self.cleaned_data.get("audio")
        try:
            self.audio_facts = services.audio_check(upload)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        return upload
