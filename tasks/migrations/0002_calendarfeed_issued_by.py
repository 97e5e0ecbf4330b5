"""Record who made each calendar link, so a link stops when its maker leaves.

Existing links are attributed from the audit log ("feed.created"); a member's own link is theirs.
A client's link whose maker cannot be found (or is no longer a member) is revoked: nobody can
vouch for who holds its secret.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def attribute(apps, schema_editor):
    CalendarFeed = apps.get_model("tasks", "CalendarFeed")
    ActivityEvent = apps.get_model("secretary", "ActivityEvent")
    Membership = apps.get_model("secretary", "Membership")
    now = timezone.now()
    for feed in CalendarFeed.objects.filter(revoked_at__isnull=True):
        event = (
            ActivityEvent.objects.filter(
                practice_id=feed.practice_id,
                verb="feed.created",
                target_type="tasks.calendarfeed",
                target_id=str(feed.pk),
                actor__isnull=False,
            )
            .order_by("created_at", "pk")
            .first()
        )
        issuer = None
        if event is not None:
            issuer = Membership.objects.filter(
                practice_id=feed.practice_id, user_id=event.actor_id
            ).first()
        if issuer is None and feed.membership_id is not None:
            issuer = Membership.objects.filter(pk=feed.membership_id).first()
        if issuer is None:
            feed.revoked_at = now
            feed.save(update_fields=["revoked_at"])
        else:
            feed.issued_by = issuer
            feed.save(update_fields=["issued_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("secretary", "0001_initial"),
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="issued_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="secretary.membership",
            ),
        ),
        migrations.RunPython(attribute, migrations.RunPython.noop),
    ]
