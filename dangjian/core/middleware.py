from django.template.loader import render_to_string


def method_not_allowed_in_chinese(get_response):
    """Django answers a wrong method (e.g. GET on a POST-only page) with an empty 405; say why in Chinese."""

    def middleware(request):
        response = get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            response.content = render_to_string("405.html")
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    return middleware
