"""/projekte/: the catalogue, the OZG reference, project pages and their self-service pages
(fixed paths come before <slug>; services.RESERVED_SLUGS keeps projects from taking them)."""

from django.urls import path

from . import selfservice, views
from .adoptions import views as adoptions
from .questions import views as questions
from .software import views as software

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("neu/", selfservice.create, name="create"),
    path("ozg-leistungen/", views.ozg_services, name="ozg"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/publiccode.yml", software.export, name="publiccode"),
    path("<slug:slug>/verwalten/", selfservice.manage, name="manage"),
    path("<slug:slug>/bearbeiten/", selfservice.edit, name="edit"),
    path("<slug:slug>/einreichen/", selfservice.submit, name="submit"),
    path("<slug:slug>/partner/", selfservice.partners, name="partners"),
    path(
        "<slug:slug>/partner/<int:pk>/entfernen/",
        selfservice.partner_remove,
        name="partner_remove",
    ),
    path("<slug:slug>/ergebnisse/", selfservice.results, name="results"),
    path(
        "<slug:slug>/ergebnisse/<int:pk>/entfernen/",
        selfservice.result_remove,
        name="result_remove",
    ),
    path("<slug:slug>/nachnutzung/", selfservice.transfer, name="transfer"),
    path("<slug:slug>/publiccode/", software.upload, name="upload_publiccode"),
    # adoptions
    path("<slug:slug>/nachnutzen/", adoptions.declare, name="adopt"),
    path("<slug:slug>/nachnutzungen/", adoptions.adoptions, name="adoptions"),
    path("<slug:slug>/nachnutzungen/<int:pk>/", adoptions.move, name="adoption_move"),
    # questions and answers
    path("<slug:slug>/fragen/", questions.questions, name="questions"),
    path(
        "<slug:slug>/fragen/bestaetigen/<str:token>/",
        questions.confirm,
        name="question_confirm",
    ),
    path("<slug:slug>/fragen/beantworten/", questions.answer_page, name="answer"),
    path("<slug:slug>/fragen/<int:pk>/antwort/", questions.answer, name="answer_question"),
]
