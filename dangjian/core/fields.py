from django.db import models

from . import crypto


class EncryptedCharField(models.TextField):
    """A text value stored encrypted; reads give the clear value back."""

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else crypto.encrypt(value)
