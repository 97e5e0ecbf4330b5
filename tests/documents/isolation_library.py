"""Template library routes (pages and API) for the isolation harness, merged by
``isolation.py``."""

from __future__ import annotations

from documents import practice_templates
from documents.models import Composition, DocumentKind


def routes(world, client) -> dict[str, dict]:
    practice = world.practice
    template = practice_templates.template_customise(practice=practice, kind=DocumentKind.LETTER)
    practice_templates.template_save(
        practice=practice, template=template, source=template.versions.get().source + "\n"
    )
    composition = Composition.objects.create(
        practice=practice,
        client=client,
        kind=DocumentKind.LETTER,
        title=f"{practice.name} templated letter",
        paper="A4",
    )
    one = {"template_id": template.pk}
    return {
        "template_library": {},
        "template_builtin_thumbnail": {},
        "template_customise": {},
        "template_editor": one,
        "template_preview": one,
        "template_thumbnail": one,
        "template_restore": one,
        "template_archive": one,
        "composition_template": {"composition_id": composition.pk},
        "api_template_list": {},
        "api_template_detail": one,
        "api_template_versions": one,
    }
