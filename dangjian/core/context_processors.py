from django.urls import reverse

from dangjian.accounts.access import access_for

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    nav = [
        {"label": item.label, "url": reverse(item.url_name), "active": False} for item in items_for(access)
    ]
    # Only the most specific item containing the current page is marked (日历 rather than 组织生活).
    matches = [entry for entry in nav if entry["url"] != "/" and request.path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return {"nav": nav, "access": access}
