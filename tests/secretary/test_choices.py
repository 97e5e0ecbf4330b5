"""``secretary.choices``: a choice's label without translating every choice of the field."""

from django.utils import translation

from documents.models import Document
from secretary.choices import label_of
from tasks.models import Status, Task


def test_label_of_gives_the_translated_label_or_the_value_itself():
    status = Task._meta.get_field("status")

    assert label_of(status, Status.IN_PROGRESS) == str(Status.IN_PROGRESS.label)
    assert label_of(status, "no such status") == "no such status"
    assert label_of(status, None) is None
    with translation.override("fr"):
        kind = Document._meta.get_field("kind")
        value, label = kind.choices[0]
        assert label_of(kind, value) == str(label)
