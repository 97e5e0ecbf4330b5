"""Routes of the roster, added to ``tasks.urls`` (under /app/<practice_slug>/)."""

from django.urls import path

from tasks.roster import views

staff_patterns: list = [
    path("roster/", views.roster_week, name="roster_week"),
    path("roster/hours/", views.my_hours, name="roster_my_hours"),
    path("roster/time-off/", views.time_off_add, name="roster_time_off_add"),
    path(
        "roster/time-off/<int:time_off_id>/delete/",
        views.time_off_remove,
        name="roster_time_off_remove",
    ),
    path("roster/capacity/", views.roster_capacity, name="roster_capacity"),
    path("roster/engagements/<int:engagement_id>/", views.roster_edit, name="roster_edit"),
    path("roster/shifts/<int:shift_id>/delete/", views.shift_remove, name="roster_shift_remove"),
    path(
        "roster/exceptions/<int:exception_id>/delete/",
        views.shift_exception_remove,
        name="roster_exception_remove",
    ),
    path(
        "roster/rotations/<int:rotation_id>/delete/",
        views.rotation_remove,
        name="roster_rotation_remove",
    ),
    path("roster/handover/", views.handover_leave, name="roster_handover_leave"),
    path(
        "roster/handover/<int:handover_id>/read/",
        views.handover_read,
        name="roster_handover_read",
    ),
]
