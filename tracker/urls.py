from __future__ import annotations

from django.urls import path

from .views import accounts, clinician, patient

urlpatterns = [
    path("", accounts.home, name="home"),
    path("sign-in/", accounts.sign_in, name="login"),
    path("sign-out/", accounts.sign_out, name="logout"),
    path("diary/", patient.diary, name="diary"),
    path("history/", patient.history, name="history"),
    path("trends/", patient.trends, name="trends"),
    path("review-question/", patient.pgic, name="pgic"),
    path("clinic/", clinician.panel, name="clinician_panel"),
    path("clinic/patients/<int:pk>/", clinician.record, name="clinician_record"),
    path("clinic/patients/<int:pk>/notes/", clinician.add_note, name="clinician_add_note"),
    path("clinic/patients/<int:pk>/review/", clinician.record_review, name="clinician_review"),
    path(
        "clinic/patients/<int:pk>/prescription/",
        clinician.prescription,
        name="clinician_prescription",
    ),
    path("clinic/patients/<int:pk>/summary/", clinician.summary, name="clinician_summary"),
    path(
        "clinic/alerts/<int:pk>/acknowledge/", clinician.acknowledge, name="clinician_acknowledge"
    ),
]
