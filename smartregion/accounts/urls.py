from django.urls import path

from . import tokens, views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("export/", views.export, name="export"),
    path("loeschen/", views.delete, name="delete"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/widerrufen/", tokens.token_revoke_view, name="token_revoke"),
]
