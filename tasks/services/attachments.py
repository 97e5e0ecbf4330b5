"""Attachments: the limits named in every refusal, and storing uploads."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.files import named_for, sniff
from secretary.models import Practice
from tasks.models import (
    Attachment,
    Comment,
    Task,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_UPLOAD = 10
ALLOWED_EXTENSIONS = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".txt",
    ".csv",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".rtf",
    ".ics",
    ".zip",
)


def attachment_limits_text() -> str:
    return _("Up to %(count)s files of at most %(size)s MB each: %(types)s.") % {
        "count": MAX_ATTACHMENTS_PER_UPLOAD,
        "size": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        "types": ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS),
    }


def attachment_problems(files: Sequence) -> list[str]:
    """Readable reasons these uploads are refused, naming the limit broken."""
    problems = []
    if len(files) > MAX_ATTACHMENTS_PER_UPLOAD:
        problems.append(
            _("Attach at most %(count)s files at a time.") % {"count": MAX_ATTACHMENTS_PER_UPLOAD}
        )
    for upload in files:
        name = os.path.basename(upload.name or "")
        if upload.size > MAX_ATTACHMENT_BYTES:
            problems.append(
                _("“%(name)s” is larger than the %(size)s MB limit.")
                % {"name": name, "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
            )
        elif upload.size == 0:
            problems.append(_("“%(name)s” is empty.") % {"name": name})
        elif sniff(upload, name=name) is None:
            # The type is what the bytes are: a renamed program or web page is refused.
            problems.append(
                _("“%(name)s” is not an allowed file type. Allowed: %(types)s.")
                % {
                    "name": name,
                    "types": ", ".join(e.lstrip(".").upper() for e in ALLOWED_EXTENSIONS),
                }
            )
    return problems


def _check_files(files: Sequence, field: str = "attachments") -> None:
    problems = attachment_problems(files)
    if problems:
        raise ApplicationError(problems[0], errors={field: problems})


def _store_attachments(
    *, task: Task, comment: Comment | None, files: Iterable, user, internal: bool
) -> list[Attachment]:
    stored = []
    for upload in files:
        kind = sniff(upload, name=upload.name)
        name = named_for(upload.name, kind)[-200:]
        content_type = kind.mime if kind else "application/octet-stream"
        attachment = Attachment(
            practice_id=task.practice_id,
            task=task,
            comment=comment,
            original_name=name,
            content_type=content_type,
            size=upload.size,
            internal=internal,
            uploaded_by=user,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def attachment_add(
    *,
    practice: Practice,
    task: Task,
    files: Sequence,
    user,
    internal: bool,
    comment: Comment | None = None,
    request=None,
) -> list[Attachment]:
    """Attach files to a task, or to one of its comments (then as visible as the comment)."""
    if not files:
        raise ApplicationError(
            _("Choose a file to attach."), errors={"attachments": _("Choose a file to attach.")}
        )
    if comment is not None:
        if comment.task_id != task.pk:
            raise ApplicationError(
                _("Choose a comment of this task."),
                errors={"comment": _("Choose a comment of this task.")},
            )
        internal = comment.internal
    _check_files(files)
    stored = _store_attachments(
        task=task, comment=comment, files=files, user=user, internal=internal
    )
    activity_record(
        practice=practice,
        actor=user,
        verb="task.attached",
        target=task,
        data={"files": [a.original_name for a in stored]},
        request=request,
    )
    return stored
