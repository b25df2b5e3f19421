import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from .services import inbox_of

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
    notices = inbox_of(request.user)
    return notices.filter(read_at__isnull=True) if unread else notices
