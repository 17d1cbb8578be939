"""Self-service under /akteure/ (mounted before the directory, so these paths win over slugs;
services.RESERVED_SLUGS keeps profiles from taking them)."""

from django.urls import path

from . import selfservice as views

app_name = "manage"
urlpatterns = [
    path("neu/", views.propose, name="propose"),
    path("ansprueche/", views.claims, name="claims"),
    path("ansprueche/<int:pk>/<slug:decision>/", views.claim_decide, name="claim_decide"),
    path("einladung/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/eingereicht/", views.submitted, name="submitted"),
    path("<slug:slug>/beanspruchen/", views.claim, name="claim"),
    path("<slug:slug>/verwalten/", views.dashboard, name="dashboard"),
    path("<slug:slug>/bearbeiten/", views.edit, name="edit"),
    path("<slug:slug>/einreichen/", views.submit, name="submit"),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/<int:pk>/entfernen/", views.team_remove, name="team_remove"),
    path(
        "<slug:slug>/team/einladung/<int:pk>/zurueckziehen/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/ansprechpersonen/neu/", views.contact_form, name="contact_add"),
    path("<slug:slug>/ansprechpersonen/<int:pk>/", views.contact_form, name="contact_edit"),
    path(
        "<slug:slug>/ansprechpersonen/<int:pk>/entfernen/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("<slug:slug>/<slug:kind>/neu/", views.content_form, name="content_add"),
    path("<slug:slug>/<slug:kind>/<int:pk>/", views.content_form, name="content_edit"),
    path(
        "<slug:slug>/<slug:kind>/<int:pk>/<slug:action>/",
        views.content_status,
        name="content_status",
    ),
]
