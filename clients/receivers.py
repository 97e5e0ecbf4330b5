"""Receivers connecting the clients app to the core's events (the core never imports us)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from clients.services import categories_seed, contact_link_invitation
from secretary.models import Practice
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
