"""The JSON API under /api/, with its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
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


# Pydantic's error types, said in Chinese; anything else falls back to a generic sentence.
VALIDATION_MESSAGES = {
    "missing": "必填，不能省略。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "float_parsing": "应为数字。",
    "bool_parsing": "应为 true 或 false。",
    "string_type": "应为文本。",
    "string_too_long": "内容过长。",
    "string_too_short": "内容过短。",
    "date_parsing": "应为日期，格式如 2025-07-01。",
    "date_from_datetime_parsing": "应为日期，格式如 2025-07-01。",
    "datetime_parsing": "应为日期时间，格式如 2025-07-01T09:00:00+08:00。",
    "datetime_from_date_parsing": "应为日期时间，格式如 2025-07-01T09:00:00+08:00。",
    "uuid_parsing": "应为有效的编号（UUID）。",
    "list_type": "应为列表。",
    "dict_type": "应为对象。",
    "model_attributes_type": "应为对象。",
    "literal_error": "不是允许的取值。",
    "enum": "不是允许的取值。",
    "greater_than_equal": "数值过小。",
    "less_than_equal": "数值过大。",
    "json_invalid": "不是有效的 JSON。",
}
HTTP_MESSAGES = {
    "Cannot parse request body": "请求内容无法解析，请发送有效的 JSON。",
    "CSRF check Failed": "CSRF 校验失败，请刷新页面后重试。",
    "Too many requests.": "请求过于频繁，请稍后再试。",
}


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    detail = [
        {
            "loc": error.get("loc", ()),
            "type": error.get("type", ""),
            "msg": VALIDATION_MESSAGES.get(error.get("type", ""), "格式不正确，请按接口说明填写。"),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录。"}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    message = HTTP_MESSAGES.get(exc.message, exc.message)
    return api.create_response(request, {"detail": message}, status=exc.status_code)


api.add_router("/accounts/", "dangjian.accounts.api.router")
api.add_router("/orgs/", "dangjian.orgs.api.router")
api.add_router("/members/", "dangjian.members.api.router")
api.add_router("/meetings/", "dangjian.meetings.api.router")
api.add_router("/talks/", "dangjian.talks.api.router")
api.add_router("/discipline/", "dangjian.discipline.api.router")
api.add_router("/compliance/", "dangjian.compliance.api.router")
api.add_router("/evaluations/", "dangjian.evaluations.api.router")
api.add_router("/notifications/", "dangjian.notifications.api.router")
api.add_router("/supervision/", "dangjian.supervision.api.router")
