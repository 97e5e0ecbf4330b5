from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from secretary import services
from secretary.access import portal_view, staff_view
from secretary.errors import ApplicationError
from secretary.forms import PracticeForm
from secretary.models import Membership


def _memberships(user):
    return list(
        Membership.objects.unscoped().filter(user=user).select_related("practice")
        .order_by("practice__name")
    )


def membership_home_url(membership: Membership) -> str:
    if membership.is_client:
        return reverse("portal_home", args=[membership.practice.slug])
    return reverse("dashboard", args=[membership.practice.slug])


def home(request):
    if not request.user.is_authenticated:
        return render(request, "secretary/landing.html")
    memberships = _memberships(request.user)
    if len(memberships) == 1:
        return redirect(membership_home_url(memberships[0]))
    return redirect("practice_list")


@login_required
def practice_list(request):
    memberships = _memberships(request.user)
    items = [(m, membership_home_url(m)) for m in memberships]
    return render(request, "secretary/practice_list.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def practice_new(request):
    form = PracticeForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(
                name=form.cleaned_data["name"], owner=request.user,
                time_zone=form.cleaned_data["time_zone"], currency=form.cleaned_data["currency"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your practice is ready."))
            return redirect("dashboard", practice_slug=practice.slug)
    return render(request, "secretary/practice_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = services.invitation_by_token(token)
    problem = services.invitation_problem(invitation)
    if problem:
        return render(request, "secretary/invitation_invalid.html", {"problem": problem},
                      status=404 if invitation is None else 410)
    if not request.user.is_authenticated:
        # New people sign up, existing ones sign in; both come back here afterwards.
        request.session["invitation_token"] = token
        return render(request, "secretary/invitation_welcome.html", {"invitation": invitation,
                                                                     "next": request.path})
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user,
                                                    request=request)
        except ApplicationError as error:
            return render(request, "secretary/invitation_invalid.html",
                          {"problem": error.message}, status=400)
        request.session.pop("invitation_token", None)
        messages.success(request, _("Welcome to %(name)s.") % {"name": membership.practice.name})
        return redirect(membership_home_url(membership))
    return render(request, "secretary/invitation_accept.html", {"invitation": invitation})


@portal_view
def portal_home(request):
    return render(request, "secretary/portal_home.html", {})


@staff_view
def dashboard(request):
    return render(request, "secretary/dashboard.html", {})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Not found."), "errors": {}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Server error."), "errors": {}}, status=500)
    return render(request, "500.html", status=500)


staff_patterns = [
    path("", dashboard, name="dashboard"),
]
portal_patterns = [
    path("", portal_home, name="portal_home"),
]
