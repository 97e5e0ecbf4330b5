from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # After sign-in the user picks a practice (or goes straight to their only one).
        url = super().get_login_redirect_url(request)
        return url or reverse("home")
