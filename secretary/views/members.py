"""The members page: who belongs to the practice, pending invitations, invite, change role,
remove.

Every staff member may see the list (read-only for secretaries); only owners and admins manage
it. Changing a role or removing someone asks for the password again. HTMX requests get the
members panel back; plain form posts are redirected to the page with a flash message.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from secretary import selectors, services
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError
from secretary.forms import MemberInviteForm, MemberRoleForm
from secretary.idempotency import submit_once
from secretary.models import Membership, Role
from secretary.views.reauth import back_to_page, require_reauthentication


def _can_change_role(actor: Membership, member: Membership) -> bool:
    # Client contacts keep their role: what they see comes from the client they represent.
    return (
        actor.is_admin
        and not member.is_client
        and (member.role != Role.OWNER or actor.role == Role.OWNER)
    )


def _can_remove(actor: Membership, member: Membership) -> bool:
    return actor.is_admin and (member.role != Role.OWNER or actor.role == Role.OWNER)


def _panel_context(request, *, invite_form=None, notice=None, error=None) -> dict:
    practice, actor = request.practice, request.membership
    members = list(selectors.practice_members(practice=practice))
    owners = sum(1 for member in members if member.role == Role.OWNER)
    rows = []
    for member in members:
        # The last owner can be neither demoted nor removed: offer no control that must fail.
        is_last_owner = member.role == Role.OWNER and owners == 1
        can_change_role = _can_change_role(actor, member) and not is_last_owner
        rows.append(
            {
                "member": member,
                "is_you": member.pk == actor.pk,
                "is_last_owner": is_last_owner,
                "can_remove": _can_remove(actor, member) and not is_last_owner,
                "role_form": MemberRoleForm(
                    actor=actor, initial={"role": member.role}, auto_id=f"id_member_{member.pk}_%s"
                )
                if can_change_role
                else None,
            }
        )
    context = {"rows": rows, "can_manage": actor.is_admin, "notice": notice, "error": error}
    if actor.is_admin:
        context["invitations"] = list(selectors.pending_invitations(practice=practice))
        context["invite_form"] = invite_form or MemberInviteForm(actor=actor)
    return context


def _render_members(request, **kwargs):
    template = "secretary/partials/members_panel.html" if request.htmx else "secretary/members.html"
    return render(request, template, _panel_context(request, **kwargs))


def _after_change(request, *, notice=None, error=None):
    """Answer a change: the refreshed panel for HTMX, else a redirect with a flash message."""
    if request.htmx:
        return _render_members(request, notice=notice, error=error)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("members", practice_slug=request.practice.slug)


@staff_view
@require_GET
def member_list(request):
    return _render_members(request)


@admin_view
@require_POST
def member_invite(request):
    form = MemberInviteForm(request.POST, actor=request.membership)
    if form.is_valid():
        try:
            invitation = submit_once(
                request,
                form,
                lambda: services.invitation_create(
                    practice=request.practice,
                    invited_by=request.membership,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    request=request,
                )[0],
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            notice = _("Invitation sent to %(email)s.") % {"email": invitation.email}
            if request.htmx:
                return _render_members(request, notice=notice)
            return _after_change(request, notice=notice)
    # Errors are shown next to the fields, with what was typed kept.
    return _render_members(request, invite_form=form)


@admin_view
@require_POST
def invitation_revoke(request, invitation_id: int):
    invitation = selectors.invitation_get(practice=request.practice, invitation_id=invitation_id)
    try:
        services.invitation_revoke(
            practice=request.practice,
            actor=request.membership,
            invitation=invitation,
            request=request,
        )
    except ApplicationError as error:
        return _after_change(request, error=error.message)
    return _after_change(
        request,
        notice=_("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
    )


@admin_view
@require_http_methods(["GET", "POST"])
def member_role(request, membership_id: int):
    member = selectors.membership_get(practice=request.practice, membership_id=membership_id)
    if request.method == "GET":
        return back_to_page(request, "members")
    if (response := require_reauthentication(request)) is not None:
        return response
    form = MemberRoleForm(request.POST, actor=request.membership)
    if not form.is_valid():
        return _after_change(request, error=_("Choose one of the roles offered."))
    try:
        member = services.membership_change_role(
            practice=request.practice,
            actor=request.membership,
            membership=member,
            role=form.cleaned_data["role"],
            request=request,
        )
    except ApplicationError as error:
        return _after_change(request, error=error.message)
    return _after_change(
        request,
        notice=_("%(person)s is now %(role)s.")
        % {"person": member.user, "role": member.get_role_display()},
    )


@admin_view
@require_http_methods(["GET", "POST"])
def member_remove(request, membership_id: int):
    member = selectors.membership_get(practice=request.practice, membership_id=membership_id)
    if request.method == "GET":
        return back_to_page(request, "members")
    if (response := require_reauthentication(request)) is not None:
        return response
    leaving = member.pk == request.membership.pk
    try:
        services.membership_remove(
            practice=request.practice, actor=request.membership, membership=member, request=request
        )
    except ApplicationError as error:
        return _after_change(request, error=error.message)
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": request.practice.name})
        return HttpResponseClientRedirect("/") if request.htmx else redirect("home")
    return _after_change(
        request, notice=_("%(person)s was removed from the practice.") % {"person": member.user}
    )
