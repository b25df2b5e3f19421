"""/favicon.ico is served (browsers and WeChat ask for it on every visit), not a 404 in the logs."""

from django.test import Client


def test_favicon_is_served_to_anyone():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00" and len(body) < 10_000  # a small Windows icon file
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
