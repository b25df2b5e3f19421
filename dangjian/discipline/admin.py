from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Sanction


@admin.register(Sanction)
class SanctionAdmin(SimpleHistoryAdmin):
    list_display = ["member", "org", "level", "decided_on", "period_end", "lifted_on"]
    list_filter = ["level"]
    search_fields = ["member__name", "decided_by", "document_no"]
    raw_id_fields = ["member"]
    readonly_fields = ["org", "period_end", "created_by", "created_at"]
