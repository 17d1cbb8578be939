"""/koordination/fragen/: questions collected at events, and the unanswered ones."""

from django.urls import path

from .questions import coordination

app_name = "project_questions"
urlpatterns = [path("", coordination.questions_desk, name="desk")]
