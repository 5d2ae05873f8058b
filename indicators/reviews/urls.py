"""Review report URLs: generated review texts and .docx (issue 8). Included at the site root.

/reviews/?scope=city|<district code>&year=YYYY&quarter=N&lang=zh|en and /reviews/report.docx?… (same query); POST /reviews/report.docx/job/?… builds it in the background (progress page).
"""
from django.urls import path

from indicators.reviews import views

app_name = "review"
urlpatterns = [
    path("reviews/", views.review_page, name="page"),
    path("reviews/report.docx", views.review_docx, name="docx"),
    path("reviews/report.docx/job/", views.review_docx_job, name="docx_job"),
]
