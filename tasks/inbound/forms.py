from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    add_contact = forms.BooleanField(
        label=_("Add the sender as a contact of this client"), required=False
    )
