"""Published figures: admins record a bulletin's city figures as new versions (issue 9)."""
from django.urls import path

from indicators.loaders import views

urlpatterns = [
    path("published/upload/", views.bulletin_upload, name="bulletin_upload"),
]
