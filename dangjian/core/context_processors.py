from django.urls import reverse

from dangjian.accounts.access import access_for

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    current = request.path
    nav = []
    for item in items_for(access):
        url = reverse(item.url_name)
        nav.append({"label": item.label, "url": url, "active": url != "/" and current.startswith(url)})
    return {"nav": nav, "access": access}
