from __future__ import annotations

from django.urls import path

from .views import accounts, app_shell, clinic_admin, clinician, health, patient, plan, treatment

urlpatterns = [
    path("", accounts.home, name="home"),
    path("invite/<str:token>/", accounts.accept_invite, name="accept_invite"),
    path("diary/", patient.diary, name="diary"),
    path("history/", patient.history, name="history"),
    path("trends/", patient.trends, name="trends"),
    path("review-question/", patient.pgic, name="pgic"),
    path("enrolment/", patient.enrolment, name="enrolment"),
    path("card/", patient.card, name="emergency_card"),
    path("stop-advice/read/", patient.stop_advice_read, name="stop_advice_read"),
    path("treatment/", treatment.treatment, name="treatment"),
    path("plan/", plan.plan, name="plan"),
    path("treatment/gap/", treatment.gap_answer, name="gap_answer"),
    path("export/diary.csv", patient.export_csv, name="export_csv"),
    path("export/diary.json", patient.export_json, name="export_json"),
    path("settings/", accounts.settings_page, name="settings"),
    path("settings/reminders/", patient.reminders, name="reminder_settings"),
    path("settings/notifications/", clinician.notifications, name="clinician_notifications"),
    path("reminders/stop/<str:token>/", accounts.stop_reminders, name="reminders_stop"),
    path("health/", health.health, name="health"),
    path("manifest.webmanifest", app_shell.manifest, name="manifest"),
    path("sw.js", app_shell.service_worker, name="service_worker"),
    path("offline/", app_shell.offline, name="offline"),
    path("push/subscribe/", app_shell.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", app_shell.push_unsubscribe, name="push_unsubscribe"),
    path("clinic/", clinician.panel, name="clinician_panel"),
    path("clinic/outcomes/", clinician.outcomes, name="clinician_outcomes"),
    path("clinic/patients/<int:pk>/", clinician.record, name="clinician_record"),
    path("clinic/patients/<int:pk>/notes/", clinician.add_note, name="clinician_add_note"),
    path("clinic/patients/<int:pk>/review/", clinician.record_review, name="clinician_review"),
    path(
        "clinic/patients/<int:pk>/prescription/",
        clinician.prescription,
        name="clinician_prescription",
    ),
    path("clinic/patients/<int:pk>/summary/", clinician.summary, name="clinician_summary"),
    path("clinic/patients/<int:pk>/plan/", plan.clinician_plan, name="clinician_plan"),
    path("clinic/patients/<int:pk>/export.csv", clinician.export_csv, name="clinician_export_csv"),
    path("clinic/patients/<int:pk>/fhir.json", clinician.export_fhir, name="clinician_export_fhir"),
    path("clinic/stops/<int:pk>/confirm/", treatment.confirm_stop, name="clinician_confirm_stop"),
    path(
        "clinic/alerts/<int:pk>/acknowledge/", clinician.acknowledge, name="clinician_acknowledge"
    ),
    path("clinic-admin/", clinic_admin.accounts_list, name="admin_accounts"),
    path("clinic-admin/invite/", clinic_admin.invite, name="admin_invite"),
    path("clinic-admin/invites/<int:pk>/resend/", clinic_admin.resend_invite, name="admin_resend"),
    path("clinic-admin/invites/<int:pk>/revoke/", clinic_admin.revoke_invite, name="admin_revoke"),
    path("clinic-admin/people/<int:pk>/active/", clinic_admin.set_active, name="admin_set_active"),
    path("clinic-admin/people/<int:pk>/reassign/", clinic_admin.reassign, name="admin_reassign"),
    path("clinic-admin/patients/<int:pk>/assign/", clinic_admin.assign, name="admin_assign"),
    path("clinic-admin/audit/", clinic_admin.audit_log, name="admin_audit"),
    path("clinic-admin/sends/", clinic_admin.sends, name="admin_sends"),
]
