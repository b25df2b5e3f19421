from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from dangjian.accounts.twofactor import AdminLoginForm
from dangjian.api import api, unknown_path
from dangjian.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("org-options/", core_views.org_options, name="org_options"),
    path("", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("meetings/", include("dangjian.meetings.urls")),
    path("talks/", include("dangjian.talks.urls")),
    path("discipline/", include("dangjian.discipline.urls")),
    path("compliance/", include("dangjian.compliance.urls")),
    path("evaluations/", include("dangjian.evaluations.urls")),
    path("notifications/", include("dangjian.notifications.urls")),
    path("supervision/", include("dangjian.supervision.urls")),
    path("education/", include("dangjian.education.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("api/", api.urls),
    path("api/<path:rest>", unknown_path),
    path("admin/", admin.site.urls),
]

admin.site.__class__ = OTPAdminSite  # the admin site asks for the second step too, whatever the setting
admin.site.login_form = AdminLoginForm
admin.site.site_header = admin.site.site_title = "党组织生活管理平台 · 系统管理"
