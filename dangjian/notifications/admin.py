from django.contrib import admin

from .models import Channel, Delivery


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org", "enabled"]
    list_filter = ["kind", "enabled"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["title", "transport", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["transport", "status"]
    search_fields = ["title", "key"]
    readonly_fields = [
        "key",
        "recipient",
        "channel",
        "address",
        "attempts",
        "last_error",
        "sent_at",
        "created_at",
    ]
