"""Routes of this app, mounted by the root urlconf under the practice prefixes."""

from django.urls import path

from documents import views, views_compose, views_email, views_library, views_proofing

# Under /app/<practice_slug>/ (staff).
staff_patterns: list = [
    path("documents/", views.document_list, name="documents"),
    path(
        "documents/<int:document_id>/download/", views.document_download, name="document_download"
    ),
    path("documents/<int:document_id>/preview/", views.document_preview, name="document_preview"),
    path("documents/<int:document_id>/retry/", views.document_retry, name="document_retry"),
    path(
        "documents/about/<str:subject_type>/<int:subject_id>/",
        views.subject_documents,
        name="subject_documents",
    ),
    path("documents/composed/", views_compose.composition_list, name="composition_list"),
    path("documents/compose/new/", views_compose.composition_new, name="composition_new"),
    path(
        "documents/compose/<int:composition_id>/",
        views_compose.composition_editor,
        name="composition_editor",
    ),
    path(
        "documents/compose/<int:composition_id>/preview/",
        views_compose.composition_preview_view,
        name="composition_preview",
    ),
    path(
        "documents/compose/<int:composition_id>/send/",
        views_compose.composition_send,
        name="composition_send",
    ),
    path(
        "documents/compose/<int:composition_id>/pdf/",
        views_compose.composition_pdf,
        name="composition_pdf",
    ),
    path(
        "documents/compose/<int:composition_id>/email/",
        views_email.composition_email,
        name="composition_email",
    ),
    path(
        "documents/compose/<int:composition_id>/email/test/",
        views_email.composition_email_test,
        name="composition_email_test",
    ),
    path(
        "documents/compose/<int:composition_id>/images/",
        views_compose.composition_asset_upload,
        name="composition_asset_upload",
    ),
    path("documents/images/<int:asset_id>/", views_compose.asset_file, name="document_asset"),
    path(
        "documents/compose/<int:composition_id>/template/",
        views_library.composition_template,
        name="composition_template",
    ),
    path("documents/templates/", views_library.template_library, name="template_library"),
    path(
        "documents/templates/thumbnail/",
        views_library.builtin_thumbnail,
        name="template_builtin_thumbnail",
    ),
    path(
        "documents/templates/customise/",
        views_library.template_customise,
        name="template_customise",
    ),
    path(
        "documents/templates/<int:template_id>/",
        views_library.template_editor,
        name="template_editor",
    ),
    path(
        "documents/templates/<int:template_id>/preview/",
        views_library.template_preview,
        name="template_preview",
    ),
    path(
        "documents/templates/<int:template_id>/thumbnail/",
        views_library.template_thumbnail,
        name="template_thumbnail",
    ),
    path(
        "documents/templates/<int:template_id>/restore/",
        views_library.template_restore,
        name="template_restore",
    ),
    path(
        "documents/templates/<int:template_id>/archive/",
        views_library.template_archive,
        name="template_archive",
    ),
]
# Under /portal/<practice_slug>/ (client contacts).
portal_patterns: list = [
    path(
        "documents/<int:document_id>/download/",
        views.portal_document_download,
        name="portal_document_download",
    ),
    path(
        "documents/<int:document_id>/preview/",
        views.portal_document_preview,
        name="portal_document_preview",
    ),
    path(
        "documents/about/<str:subject_type>/<int:subject_id>/",
        views.portal_subject_documents,
        name="portal_subject_documents",
    ),
    path(
        "documents/compositions/<int:composition_id>/",
        views_proofing.portal_composition,
        name="portal_composition",
    ),
    path(
        "documents/compositions/",
        views_proofing.portal_compositions,
        name="portal_compositions",
    ),
    path(
        "documents/compositions/<int:composition_id>/comments/",
        views_proofing.portal_composition_comment,
        name="portal_composition_comment",
    ),
    path(
        "documents/compositions/<int:composition_id>/versions/<int:version_id>/pages/<int:page>/",
        views_proofing.portal_composition_page,
        name="portal_composition_page",
    ),
]
