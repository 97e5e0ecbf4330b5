"""Forms of the mailing lists' pages: they parse input; the services check and write it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.bulk.forms import ColumnMappingForm, spreadsheet_field
from clients.mailing.imports import BASIS_CHOICES, MAX_FILE_BYTES, target_choices
from clients.mailing.models import Audience, ImportJob, SubscriberStatus
from clients.mailing.selectors import FIELD_OPS
from clients.models import Client
from secretary import limits
from secretary.idempotency import IdempotentFormMixin


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


FIELDS_HELP = _(
    "One field per line: key | Label | type | choices. The key uses lower-case letters, digits "
    "and underscores; the type is text, number, date or choice; a choice field lists its "
    "choices separated by commas. Example: city | City | choice | Oakland, San Jose"
)


def fields_to_text(fields: list[dict]) -> str:
    lines = []
    for field in fields:
        parts = [field["key"], field["label"], field["type"]]
        if field.get("choices"):
            parts.append(", ".join(field["choices"]))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def text_to_fields(text: str) -> list[dict]:
    """Lines of ``key | Label | type | choices`` as field definitions (checked by the
    service)."""
    fields = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        parts += [""] * (4 - len(parts))
        field = {"key": parts[0], "label": parts[1], "type": parts[2].lower() or "text"}
        if field["type"] == "choice":
            field["choices"] = [c.strip() for c in parts[3].split(",") if c.strip()]
        fields.append(field)
    return fields


class AudienceForm(IdempotentFormMixin, forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=Client.objects.none(), empty_label=_("Choose a client")
    )
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    from_name = forms.CharField(label=_("From name"), required=False, max_length=120)
    from_email = forms.EmailField(label=_("From address"), required=False, max_length=254)
    reply_to = forms.EmailField(label=_("Reply-to address"), required=False, max_length=254)
    fields_text = forms.CharField(
        label=_("Custom fields"),
        required=False,
        max_length=6000,
        help_text=FIELDS_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, practice, audience: Audience | None = None, **kwargs):
        if audience is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": audience.name,
                    "description": audience.description,
                    "from_name": audience.from_name,
                    "from_email": audience.from_email,
                    "reply_to": audience.reply_to,
                    "fields_text": fields_to_text(audience.fields),
                },
            )
        super().__init__(*args, **kwargs)
        if audience is not None:
            del self.fields["client"]
        else:
            self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("client", "fields_text")}
        data["fields"] = text_to_fields(self.cleaned_data.get("fields_text", ""))
        return data


def _custom_field(definition: dict) -> forms.Field:
    label = definition["label"]
    if definition["type"] == "number":
        return forms.DecimalField(label=label, required=False, max_digits=18, decimal_places=6)
    if definition["type"] == "date":
        return limits.DateField(
            label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
    if definition["type"] == "choice":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("Not set"))] + [(c, c) for c in definition.get("choices", [])],
        )
    return forms.CharField(label=label, required=False, max_length=500)


class SubscriberForm(IdempotentFormMixin, forms.Form):
    """A person's details, plus their consent when they are added."""

    email = forms.CharField(label=_("Email"), max_length=254)
    name = forms.CharField(label=_("Name"), required=False, max_length=160)
    company = forms.CharField(label=_("Company"), required=False, max_length=160)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=2000, help_text=_("Separated by commas.")
    )
    consent_source = forms.CharField(
        label=_("Consent: where they agreed"),
        max_length=200,
        help_text=_("For example: signup form at the shop, email asking to join."),
    )
    consent_at = limits.DateTimeField(
        label=_("Consent: when they agreed"), widget=DateTimeLocalInput()
    )

    def __init__(self, *args, audience: Audience, subscriber=None, **kwargs):
        if subscriber is not None:
            initial = {
                "email": subscriber.email,
                "name": subscriber.name,
                "company": subscriber.company,
                "tags": ", ".join(subscriber.tags),
            }
            initial.update({f"custom_{k}": v for k, v in (subscriber.custom or {}).items()})
            kwargs.setdefault("initial", initial)
        else:
            kwargs.setdefault("initial", {"consent_at": timezone.localtime().replace(second=0)})
        super().__init__(*args, **kwargs)
        if subscriber is not None:
            del self.fields["consent_source"]
            del self.fields["consent_at"]
        self.custom_keys = []
        for definition in audience.fields:
            self.fields[f"custom_{definition['key']}"] = _custom_field(definition)
            self.custom_keys.append(definition["key"])

    def data_for_service(self) -> dict:
        data = {
            key: self.cleaned_data[key]
            for key in ("email", "name", "company", "tags", "consent_source", "consent_at")
            if key in self.cleaned_data
        }
        data["custom"] = {
            key: self.cleaned_data.get(f"custom_{key}")
            for key in self.custom_keys
            if self.cleaned_data.get(f"custom_{key}") not in (None, "")
        }
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=SubscriberStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    consent_source = forms.CharField(
        label=_("New consent: where they agreed"),
        required=False,
        max_length=200,
        help_text=_("Needed to subscribe someone again."),
    )
    consent_at = limits.DateTimeField(
        label=_("New consent: when"), required=False, widget=DateTimeLocalInput()
    )


class SubscriberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Email, name, company")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *SubscriberStatus.choices],
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False, choices=[])

    def __init__(self, *args, tags: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Any tag"))] + [(t, t) for t in tags]


OP_LABELS = {
    "eq": _("is"),
    "ne": _("is not"),
    "contains": _("contains"),
    "gt": _("is more than / after"),
    "lt": _("is less than / before"),
    "empty": _("is empty"),
    "not_empty": _("is not empty"),
}
RULE_SLOTS = 3


class SegmentForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    tags_any = forms.CharField(
        label=_("Has any of these tags"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas."),
    )
    tags_all = forms.CharField(
        label=_("Has all of these tags"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas."),
    )

    def __init__(self, *args, audience: Audience, segment=None, **kwargs):
        if segment is not None:
            rules = segment.rules or {}
            initial = {
                "name": segment.name,
                "tags_any": ", ".join(rules.get("tags_any", [])),
                "tags_all": ", ".join(rules.get("tags_all", [])),
            }
            for n, rule in enumerate(rules.get("fields", [])[:RULE_SLOTS]):
                initial[f"rule_{n}_key"] = rule["key"]
                initial[f"rule_{n}_op"] = rule["op"]
                initial[f"rule_{n}_value"] = rule.get("value", "")
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        keys = [("", _("No rule"))] + [(f["key"], f["label"]) for f in audience.fields]
        ops = [(op, OP_LABELS[op]) for op in FIELD_OPS]
        self.rule_slots = []
        if not audience.fields:
            return
        for n in range(RULE_SLOTS):
            self.fields[f"rule_{n}_key"] = forms.ChoiceField(
                label=_("Field rule %(n)s") % {"n": n + 1}, required=False, choices=keys
            )
            self.fields[f"rule_{n}_op"] = forms.ChoiceField(
                label=_("Operator"), required=False, choices=ops
            )
            self.fields[f"rule_{n}_value"] = forms.CharField(
                label=_("Value"), required=False, max_length=500
            )
            self.rule_slots.append(n)

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        rules = {"tags_any": data.get("tags_any", ""), "tags_all": data.get("tags_all", "")}
        rules["fields"] = [
            {
                "key": data[f"rule_{n}_key"],
                "op": data.get(f"rule_{n}_op") or "eq",
                "value": data.get(f"rule_{n}_value", ""),
            }
            for n in self.rule_slots
            if data.get(f"rule_{n}_key")
        ]
        return {"name": data["name"], "rules": rules}


class ImportUploadForm(forms.Form):
    file = spreadsheet_field(MAX_FILE_BYTES)


OTHER_BASIS = "other"


class ImportMappingForm(ColumnMappingForm):
    basis = forms.ChoiceField(
        label=_("Why may everyone in this file receive mail?"), required=False
    )
    basis_other = forms.CharField(
        label=_("Other reason"),
        required=False,
        max_length=150,
        help_text=_("Recorded as the consent of everyone the file adds."),
    )

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(
            *args,
            header=job.header,
            preview=job.preview,
            mapping=job.mapping,
            targets=target_choices(job.audience),
            **kwargs,
        )
        self.fields["basis"].choices = [
            ("", _("None: the file has a consent column")),
            *BASIS_CHOICES,
            (OTHER_BASIS, _("Another reason (describe it)")),
        ]
        self.order_fields([c["key"] for c in self.columns] + ["basis", "basis_other"])
        self.bind_columns()

    def basis_text(self) -> str:
        basis = self.cleaned_data.get("basis") or ""
        if basis == OTHER_BASIS:
            return (self.cleaned_data.get("basis_other") or "").strip()
        return basis
