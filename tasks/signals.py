from django.db import transaction


def seed_templates(sender, instance, created, raw=False, **kwargs):
    """Every new practice starts with the default task templates (after its services exist)."""
    if created and not raw:
        from tasks.services import task_templates_seed

        transaction.on_commit(lambda: task_templates_seed(practice=instance))
