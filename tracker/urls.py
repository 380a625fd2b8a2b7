from __future__ import annotations

from django.urls import path

from .views import accounts, patient

urlpatterns = [
    path("", accounts.home, name="home"),
    path("sign-in/", accounts.sign_in, name="login"),
    path("sign-out/", accounts.sign_out, name="logout"),
    path("diary/", patient.diary, name="diary"),
    path("history/", patient.history, name="history"),
    path("trends/", patient.trends, name="trends"),
    path("review-question/", patient.pgic, name="pgic"),
]
