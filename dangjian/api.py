"""The JSON API under /api/, with its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from dangjian.core.api import Message, Refusal


class FieldError(Schema):
    loc: list[str | int]
    type: str
    msg: str


class ValidationErrors(Schema):
    detail: list[FieldError] | str  # each value refused, or one sentence for a combination (compliance)


# Answers any operation may give besides its own: login required, no right, not found (or not visible),
# a parameter out of its type or range, and for a body an unreadable one. Declared so that the schema
# tells a client every body it can get (schemathesis checks it in tests/foundation/test_api_schema.py).
COMMON_RESPONSES = {
    401: ("未登录", Message),
    403: ("没有权限", Message),
    404: ("未找到，或不在您的查看范围内", Message),
    422: ("参数或内容不符合接口说明", ValidationErrors),
}
BODY_RESPONSES = {400: ("请求内容无法解析或未通过校验", Refusal)}


class DangjianAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in {model for _, model in [*COMMON_RESPONSES.values(), *BODY_RESPONSES.values()]}:
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(definition.pop("$defs", {}))
            components.setdefault(model.__name__, definition)
        for operations in schema["paths"].values():
            for operation in operations.values():
                extra = {**COMMON_RESPONSES, **(BODY_RESPONSES if "requestBody" in operation else {})}
                for status, (description, model) in extra.items():
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                                }
                            },
                        },
                    )
        return schema


api = DangjianAPI(
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
    "greater_than_equal": "数值过小，不能小于 {ge}。",
    "less_than_equal": "数值过大，不能大于 {le}。",
    "greater_than": "数值过小，应大于 {gt}。",
    "less_than": "数值过大，应小于 {lt}。",
    "json_invalid": "不是有效的 JSON。",
    "single_line_text": "不能换行，也不能含有不可见的控制字符（通常来自复制粘贴），请删除后重新填写。",
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
            "msg": VALIDATION_MESSAGES.get(error.get("type", ""), "格式不正确，请按接口说明填写。").format(
                **error.get("ctx", {})
            ),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


def unknown_path(request, rest=""):
    """Any path under /api/ that no operation matches (e.g. a text where an id goes): JSON, like the rest."""
    return JsonResponse({"detail": "接口地址不存在，请对照 /api/docs 中的接口说明。"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录。"}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    message = HTTP_MESSAGES.get(exc.message, exc.message)
    if exc.status_code == 400:  # the documented refusal: its lists are there, empty when nothing is named
        return api.create_response(request, Refusal(detail=message).model_dump(), status=400)
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
api.add_router("/education/", "dangjian.education.api.router")
api.add_router("/recruitment/", "dangjian.recruitment.api.router")
api.add_router("/dues/", "dangjian.dues.api.router")
api.add_router("/assessment/", "dangjian.assessment.api.router")
