from django.urls import path

from . import views
from .tandems import views as tandem_views

app_name = "synergies"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<int:pk>/rueckmeldung/", views.feedback, name="feedback"),
    path("<int:pk>/kontakt/", views.contact, name="contact"),
    path("einstellungen/", views.settings_view, name="settings"),
    path("abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("tandem/", tandem_views.tandem_home, name="tandem"),
    path("tandem/<int:pk>/<slug:action>/", tandem_views.tandem_action, name="tandem_action"),
]
