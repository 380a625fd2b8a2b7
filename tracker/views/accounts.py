"""Signing in and finding your way home."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ..forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts on."""
    if getattr(request.user, "is_patient", False):
        return redirect("diary")
    if getattr(request.user, "is_clinician", False):
        return redirect("clinician_panel")
    return render(request, "home.html")
