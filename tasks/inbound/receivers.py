"""Staff replies on an email request go back by email (connected in ``TasksConfig.ready``)."""

from __future__ import annotations

from secretary.background import enqueue_on_commit
from tasks.models import Source


def send_reply_by_email(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.internal or instance.from_client:
        return
    from tasks.models import Comment, Task

    if Comment.task.is_cached(instance):
        is_email = instance.task.source == Source.EMAIL
    else:
        is_email = (
            Task.objects.for_practice(instance.practice_id)
            .filter(pk=instance.task_id, source=Source.EMAIL)
            .exists()
        )
    if not is_email:
        return
    from tasks.inbound.tasks import send_email_reply

    enqueue_on_commit(send_email_reply, practice_id=instance.practice_id, comment_id=instance.pk)
