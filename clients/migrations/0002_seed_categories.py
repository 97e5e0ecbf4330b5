"""Give practices that existed before this app their starting service categories."""

from django.db import migrations

CATEGORIES = [
    ("correspondence", "Correspondence and client communication", False),
    ("phones", "Phones and routine inquiries", False),
    ("travel", "Travel arrangements", False),
    ("conference-calls", "Conference and video calls", False),
    ("database", "Database upkeep", False),
    ("letters", "Business letters and document preparation", False),
    ("proofreading", "Proofreading", False),
    ("desktop-publishing", "Desktop publishing", False),
    ("presentations", "Presentations and event materials", False),
    ("supplies", "Ordering business cards and supplies", False),
    ("web-presence", "Web presence", False),
    ("bookkeeping", "Bookkeeping", False),
    ("office-management", "Office management", False),
    ("legal-secretarial", "Legal secretarial work", True),
    ("medical-secretarial", "Medical secretarial work", True),
]


def seed(apps, schema_editor):
    Practice = apps.get_model("secretary", "Practice")
    ServiceCategory = apps.get_model("clients", "ServiceCategory")
    for practice in Practice.objects.all():
        for position, (slug, name, is_specialty) in enumerate(CATEGORIES):
            ServiceCategory.objects.get_or_create(
                practice=practice, slug=slug,
                defaults={"name": name, "is_specialty": is_specialty, "position": position * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
