from django.db import transaction
from django.utils import timezone


def seed_templates(sender, instance, created, raw=False, **kwargs):
    """Every new practice starts with the default task templates (after its services exist)."""
    if created and not raw:
        from secretary.tenancy import practice_scope
        from tasks.services import task_templates_seed

        def seed() -> None:
            with practice_scope(instance):
                task_templates_seed(practice=instance)

        transaction.on_commit(seed)


def keep_member_history(sender, instance, **kwargs):
    """Before a membership is deleted (the member is removed, or their user deleted): their
    running timer stops now, and their logged time keeps the name they had. The link itself is
    cleared by ``on_delete=SET_NULL``: time, like comments and the activity log, outlives them.
    """
    from tasks.models import TimeEntry
    from tasks.timekeeping import MAX_ENTRY_MINUTES

    entries = TimeEntry.objects.for_practice(instance.practice_id).filter(membership=instance)
    now = timezone.now()
    for entry in entries.filter(ended_at__isnull=True, manual=False):
        minutes = max(1, round((now - entry.started_at).total_seconds() / 60))
        if minutes > MAX_ENTRY_MINUTES:
            # More than one entry may hold: nobody is left to enter it by hand, so it goes.
            entry.delete()
            continue
        entry.ended_at, entry.minutes = now, minutes
        entry.save(update_fields=["ended_at", "minutes"])
    entries.update(member_name=str(instance.user)[:150])


def revoke_feeds_of_removed_member(sender, membership, actor=None, request=None, **kwargs):
    """A member leaving the practice takes their calendar links with them (those they own and
    those they made for a client: they hold the secret)."""
    from tasks.events import feeds_revoke_for_membership

    feeds_revoke_for_membership(
        practice=membership.practice, membership=membership, actor=actor, request=request
    )


def task_written(sender, instance=None, practice_ids=(), **kwargs):
    """Receiver of a task's or a client's ``post_save`` and of a bulk write of either
    (``secretary.tenancy.rows_written``, which ``Task.delete`` sends too): the practice's
    dashboard figures and task lists are read again."""
    from tasks.selectors import ANY_PRACTICE, dashboard_versions

    if instance is not None:
        dashboard_versions.bump(instance.practice_id)
    elif practice_ids is None:
        dashboard_versions.bump(ANY_PRACTICE)
    else:
        for practice_id in practice_ids:
            dashboard_versions.bump(practice_id)
