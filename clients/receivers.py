"""Receivers connecting the clients app to the core's events (the core never imports us)."""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from clients.models import ConfidentialityAgreement
from clients.services import categories_seed, contact_link_invitation
from secretary.models import Membership, Practice
from secretary.services import invitation_accepted
from secretary.tenancy import practice_scope


@receiver(post_save, sender=Practice, dispatch_uid="clients.seed_categories")
def seed_categories_for_new_practice(
    sender, instance: Practice, created: bool, raw: bool = False, **kwargs
) -> None:
    if created and not raw:
        with practice_scope(instance):
            categories_seed(practice=instance)


@receiver(invitation_accepted, dispatch_uid="clients.link_contact")
def link_contact_on_invitation_accepted(sender, invitation, membership, **kwargs) -> None:
    contact_link_invitation(invitation=invitation, membership=membership)


@receiver(pre_delete, sender=Membership, dispatch_uid="clients.keep_agreements")
def keep_agreements_of_a_leaving_member(sender, instance: Membership, **kwargs) -> None:
    """Signed agreements stay on record when a member is removed: keep the name they had (the
    link itself is cleared by ``on_delete=SET_NULL``)."""
    ConfidentialityAgreement.objects.for_practice(instance.practice_id).filter(
        membership=instance
    ).update(member_name=str(instance.user)[:150])
