"""The JSON API under /api/, with its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="党组织生活管理平台 API",
    version="1",
    description="与页面相同的权限：每个请求都按登录账号的组织范围检查。",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "没有权限进行此操作。"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到该记录，或您无权查看。"}, status=404)


api.add_router("/accounts/", "dangjian.accounts.api.router")
api.add_router("/orgs/", "dangjian.orgs.api.router")
api.add_router("/members/", "dangjian.members.api.router")
api.add_router("/meetings/", "dangjian.meetings.api.router")
api.add_router("/talks/", "dangjian.talks.api.router")
api.add_router("/discipline/", "dangjian.discipline.api.router")
api.add_router("/compliance/", "dangjian.compliance.api.router")
api.add_router("/evaluations/", "dangjian.evaluations.api.router")
api.add_router("/notifications/", "dangjian.notifications.api.router")
