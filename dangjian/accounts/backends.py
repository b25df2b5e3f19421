from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from dangjian.core import crypto, idcard


def _accounts_by_phone(phone: str):
    return get_user_model().objects.filter(member__phone_hash=crypto.lookup_hash(phone)).order_by("pk")


class PhoneOrUsernameBackend(ModelBackend):
    """Log in with a username, or with the mobile number of the member the account belongs to."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and idcard.PHONE.match(username.strip()):
            user = _accounts_by_phone(username.strip()).first()
            if user is None:
                get_user_model()().set_password(password)  # even out timing with a found user
                return None
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The session's user with their member, its organisation and the account's scope in one query:
        every page asks for them (access.py, the navigation)."""
        users = get_user_model()._default_manager.select_related("member__org", "scope_org")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def lockout_username(request, credentials=None) -> str:
    """The name django-axes counts failures under: a phone number becomes its account's username, so
    failures by phone and by username add up, and no phone number is ever stored in the clear."""
    typed = (credentials or {}).get("username") or getattr(request, "POST", {}).get("username") or ""
    typed = typed.strip()
    if not idcard.PHONE.match(typed):
        return typed
    username = _accounts_by_phone(typed).values_list("username", flat=True).first()
    return username or "phone:" + crypto.lookup_hash(typed)[:32]
