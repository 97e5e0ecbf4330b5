"""Forms of spreadsheet imports: the upload, and the column mapping shown beside the file's
first values (shared by the client import and the mailing lists' import)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.bulk.imports import MAX_FILE_BYTES, target_choices
from clients.bulk.models import ClientImport
from clients.selectors import staff_memberships


def spreadsheet_field(max_bytes: int) -> forms.FileField:
    return forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "A .csv or .xlsx file of at most %(size)s MB whose first row names the columns."
        )
        % {"size": max_bytes // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ClientImportUploadForm(forms.Form):
    file = spreadsheet_field(MAX_FILE_BYTES)


class ColumnMappingForm(forms.Form):
    """One select per column of the file (``column_<index>``), with its first values."""

    def __init__(self, *args, header, preview, mapping, targets, **kwargs):
        initial = {f"column_{index}": target for index, target in mapping.items()}
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.columns = []
        for index, name in enumerate(header):
            key = f"column_{index}"
            self.fields[key] = forms.ChoiceField(label=name, required=False, choices=targets)
            samples = [row[index] for row in preview if index < len(row) and row[index]]
            self.columns.append({"key": key, "name": name, "samples": samples[:3]})

    def bind_columns(self) -> None:
        for column in self.columns:
            column["field"] = self[column["key"]]

    def mapping(self) -> dict[str, str]:
        return {
            key.removeprefix("column_"): value
            for key, value in self.cleaned_data.items()
            if key.startswith("column_") and value
        }


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.user)


class ClientImportMappingForm(ColumnMappingForm):
    primary_secretary = MemberChoiceField(
        label=_("Primary secretary of new clients"),
        required=False,
        queryset=None,
        empty_label=_("Nobody yet"),
        help_text=_("Clients the practice already has keep their secretaries."),
    )

    def __init__(self, *args, job: ClientImport, **kwargs):
        kwargs["initial"] = {"primary_secretary": job.primary_secretary_id}
        super().__init__(
            *args,
            header=job.header,
            preview=job.preview,
            mapping=job.mapping,
            targets=target_choices(),
            **kwargs,
        )
        self.fields["primary_secretary"].queryset = staff_memberships(
            practice=job.practice
        ).select_related("user")
        self.bind_columns()
