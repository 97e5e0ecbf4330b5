from django.db import transaction


def seed_templates(sender, instance, created, raw=False, **kwargs):
    """Every new practice starts with the default task templates (after its services exist)."""
    if created and not raw:
        from tasks.services import task_templates_seed

        transaction.on_commit(lambda: task_templates_seed(practice=instance))


def revoke_feeds_of_removed_member(sender, membership, actor=None, request=None, **kwargs):
    """A member leaving the practice takes their calendar links with them (those they own and
    those they made for a client: they hold the secret)."""
    from tasks.events import feeds_revoke_for_membership

    feeds_revoke_for_membership(
        practice=membership.practice, membership=membership, actor=actor, request=request
    )
