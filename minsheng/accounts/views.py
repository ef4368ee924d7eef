"""Sign-in extras: the TOTP second factor (set up, verify) and the password change page."""

from __future__ import annotations

import base64
from binascii import unhexlify
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.audit.services import audit_record
from minsheng.org.access import assignments

from .services import ContactInvalid, account_contact_update


class TokenForm(forms.Form):
    token = forms.RegexField(label=_("动态验证码"), regex=r"^\d{6}$", max_length=6, strip=True)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def otpauth_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI an authenticator app takes (typed in or scanned); no external service."""
    return str(device.config_url)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code, an SVG data URI made on the server (segno; no external service, no
    script): people scan a square rather than type 32 letters. The page's CSP allows `data:` images."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff"))


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(unhexlify(device.key.encode())).decode().rstrip("=")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Create (once) an unconfirmed TOTP device and confirm it with a first code."""
    user: Any = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return HttpResponseRedirect(reverse("accounts:otp_verify") + "?next=" + _next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="auth.otp_enrol", target=user, request=request)
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        audit_record(actor=user, action="auth.otp_enrol", target=user, request=request, outcome="failure")
        form.add_error("token", _("验证码不正确，请重试。"))
    uri = otpauth_uri(device)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "uri": uri,
            "qr": qr_data_uri(uri),
            "secret": base32_secret(device),
            "next": _next_url(request),
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password: a six-digit code from the user's authenticator."""
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return HttpResponseRedirect(reverse("accounts:otp_setup") + "?next=" + _next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit_record(actor=user, action="auth.otp_verify", target=user, request=request)
            return HttpResponseRedirect(_next_url(request))
        audit_record(actor=user, action="auth.otp_verify", target=user, request=request, outcome="failure")
        form.add_error("token", _("验证码不正确，请重试。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                actor=self.request.user,
                action="accounts.password_change",
                target=form.user,
                request=self.request,
            )
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("密码已修改。"))
        return response


class ContactForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), required=False, max_length=30)
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """我的账户: who I am, the roles I act in, and my own 手机号/身份证号 (always shown masked; blank keeps)."""
    user: Any = request.user
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = account_contact_update(
                actor=user,
                user=user,
                phone=form.cleaned_data["phone"],
                id_number=form.cleaned_data["id_number"],
            )
        except ContactInvalid as exc:
            for field, errors in exc.errors.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            messages.success(request, _("联系信息已保存。") if changed else _("没有需要保存的修改。"))
            return HttpResponseRedirect(reverse("accounts:profile"))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": assignments(user),
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )
