from django import forms
from django.utils.translation import gettext_lazy as _

from secretary.models import CURRENCIES, Practice, time_zone_choices, validate_time_zone


class PracticeForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices,
                                  validators=[validate_time_zone])
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)

    class Meta:
        model = Practice
        fields = ["name", "time_zone", "currency"]
        labels = {"name": _("Practice name")}
        help_texts = {"currency": _("Used for plans and invoices.")}
