from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "kind", "scope_org", "member", "is_active", "is_staff", "last_login"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "first_name"]
    raw_id_fields = ["member"]  # a county has tens of thousands of members
    fieldsets = [
        *UserAdmin.fieldsets,
        ("党组织", {"fields": ["kind", "scope_org", "member"]}),
    ]
    add_fieldsets = [*UserAdmin.add_fieldsets, ("党组织", {"fields": ["kind", "scope_org", "member"]})]
