from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from dangjian.core import crypto, idcard


class PhoneOrUsernameBackend(ModelBackend):
    """Log in with a username, or with the mobile number of the member the account belongs to."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and idcard.PHONE.match(username.strip()):
            user_model = get_user_model()
            user = (
                user_model.objects.filter(member__phone_hash=crypto.lookup_hash(username.strip()))
                .order_by("pk")
                .first()
            )
            if user is None:
                user_model().set_password(password)  # even out timing with a found user
                return None
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
