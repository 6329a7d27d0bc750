from django.urls import path

from . import views, views_evidence

app_name = "rounds"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("evidence/<int:pk>/", views_evidence.evidence_download, name="evidence_download"),
    path(
        "evidence/review/<int:pk>/",
        views_evidence.review_evidence_upload,
        name="review_evidence_upload",
    ),
    path(
        "evidence/action/<int:pk>/",
        views_evidence.action_evidence_upload,
        name="action_evidence_upload",
    ),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/mine/", views.round_mine, name="round_mine"),
    path("<int:pk>/queue/", views.round_queue, name="round_queue"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/snapshot/", views.round_snapshot, name="round_snapshot"),
    path("<int:pk>/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("<int:pk>/pack.xlsx", views.pack_xlsx, name="pack_xlsx"),
    path("<int:pk>/remind/<int:department_pk>/", views.round_nudge, name="round_nudge"),
    path("<int:pk>/proposals/<int:proposal_pk>/submit/", views.round_submit, name="submit"),
    path(
        "<int:pk>/proposals/<int:proposal_pk>/unchanged/",
        views.round_submit_unchanged,
        name="submit_unchanged",
    ),
    path(
        "<int:pk>/submissions/<int:submission_pk>/confirm/",
        views.submission_confirm,
        name="confirm",
    ),
    path(
        "<int:pk>/submissions/<int:submission_pk>/return/",
        views.submission_return,
        name="return",
    ),
]
