"""The roster follows its client's engagement from one version to the next."""

from __future__ import annotations

from tasks.roster import cache as roster_cache
from tasks.roster.models import Rotation, Shift


def carry_roster_to_new_version(sender, engagement, **kwargs) -> None:
    """When an accepted version replaces the active one, its shifts and rotation move to it
    (the people covering the client stay on it; the editor shows what no longer fits)."""
    if engagement.replaces_id is None:
        return
    practice = engagement.practice_id
    roster_cache.bump(practice)  # queryset updates send no signal
    Shift.objects.for_practice(practice).filter(engagement_id=engagement.replaces_id).update(
        engagement=engagement
    )
    if not Rotation.objects.for_practice(practice).filter(engagement=engagement).exists():
        Rotation.objects.for_practice(practice).filter(engagement_id=engagement.replaces_id).update(
            engagement=engagement
        )
