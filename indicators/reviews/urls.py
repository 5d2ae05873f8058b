"""Review report URLs: generated review texts and .docx (issue 8). Included at the site root.

/reviews/?scope=city|<district code>&year=YYYY&quarter=N&lang=zh|en and /reviews/report.docx?… (same query).
"""
from django.urls import path

from indicators.reviews import views

app_name = "review"
urlpatterns = [
    path("reviews/", views.review_page, name="page"),
    path("reviews/report.docx", views.review_docx, name="docx"),
]
