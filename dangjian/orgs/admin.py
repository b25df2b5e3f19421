from django.contrib import admin

from .models import Organisation, Position


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "category", "parent", "founded_on", "dissolved_on"]
    list_filter = ["kind", "category"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["org", "title", "member", "started_on", "ended_on"]
    list_filter = ["title"]
    search_fields = ["org__code", "org__name", "member__name"]
    raw_id_fields = ["org", "member"]
    list_select_related = ["org", "member"]
