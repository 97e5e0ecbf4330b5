"""allauth forms the product adjusts (``ACCOUNT_FORMS``).

Kept apart from ``secretary.forms``: allauth's own forms module imports that one (for the
signup form's extra fields), so importing allauth's forms there would be circular.
"""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    """Signing up with an address that has an account looks and costs the same as a new one.

    allauth (``ACCOUNT_PREVENT_ENUMERATION``) already answers both with the same page and one
    email (the confirmation link, or "you already have an account"). A new account also hashes
    its password, which takes most of the request's time; the taken address hashes the
    submitted password too and throws it away, so the answer takes as long either way.
    """

    # Accounts are by email: allauth declares a username field and drops it when the form is
    # made. Bounded all the same, like every text input.
    username = forms.CharField(max_length=150, required=False)

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
