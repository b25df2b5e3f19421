import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from dangjian.accounts.access import access_for

from .models import Notification

router = Router(tags=["通知"])


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/", response=list[NotificationOut], summary="我的通知")
@paginate
def my_notifications(request, unread: bool = False):
    notices = Notification.objects.filter(recipient_id=access_for(request.user).member_id)
    return notices.filter(read_at__isnull=True) if unread else notices
