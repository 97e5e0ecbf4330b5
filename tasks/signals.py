from django.db import transaction


def seed_templates(sender, instance, created, raw=False, **kwargs):
    """Every new practice starts with the default task templates (after its services exist)."""
    if created and not raw:
        from secretary.tenancy import practice_scope
        from tasks.services import task_templates_seed

        def seed() -> None:
            with practice_scope(instance):
                task_templates_seed(practice=instance)

        transaction.on_commit(seed)
