"""Routes of transcription jobs, mounted by ``tasks/urls.py``."""

from django.urls import path

from tasks.transcription import views

staff_patterns: list = [
    path("transcription/", views.transcription_list, name="transcription_list"),
    path("transcription/new/", views.transcription_new, name="transcription_new"),
    path(
        "transcription/<int:job_id>/",
        views.transcription_workspace,
        name="transcription_workspace",
    ),
    path("transcription/<int:job_id>/save/", views.transcription_save, name="transcription_save"),
    path(
        "transcription/<int:job_id>/deliver/",
        views.transcription_deliver,
        name="transcription_deliver",
    ),
    path(
        "transcription/<int:job_id>/audio/", views.transcription_audio, name="transcription_audio"
    ),
    path(
        "transcription/<int:job_id>/transcript.docx",
        views.transcription_docx,
        name="transcription_docx",
    ),
]
portal_patterns: list = [
    path("transcription/", views.portal_transcription_list, name="portal_transcription_list"),
    path("transcription/new/", views.portal_transcription_new, name="portal_transcription_new"),
    path(
        "transcription/<int:job_id>/audio/",
        views.portal_transcription_audio,
        name="portal_transcription_audio",
    ),
]
