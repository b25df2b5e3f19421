from django.contrib import admin

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Read only, with ID and phone numbers masked: members are changed on the site's own pages, where the
    access rules, transfers and the full-number rules apply."""

    list_display = ["name", "masked_id_number", "masked_phone", "org", "category", "status"]
    list_filter = ["category", "status", "is_leading_cadre"]
    search_fields = ["name", "name_pinyin"]
    list_select_related = ["org"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]

    @admin.display(description="身份证号")
    def masked_id_number(self, member):
        return member.masked_id_number

    @admin.display(description="手机号")
    def masked_phone(self, member):
        return member.masked_phone

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
