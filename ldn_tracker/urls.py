from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from tracker.security.second_factor import protect_admin_login

protect_admin_login()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("tracker.urls")),
]

handler400 = "tracker.views.errors.bad_request"
handler403 = "tracker.views.errors.permission_denied"
handler404 = "tracker.views.errors.page_not_found"
handler500 = "tracker.views.errors.server_error"
