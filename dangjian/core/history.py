"""The change log shown on every record's page, from django-simple-history."""

from dataclasses import dataclass, field

ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}
SCAN_FACTOR = 4  # how many records are read per change shown, at most, when skipping empty saves


@dataclass
class Change:
    when: object
    who: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    subject: str = ""  # which record, when one list shows the changes of several (e.g. an org's positions)
    reason: str = ""  # e.g. 重置密码, where the changed field itself is not recorded


def _shown(model, name: str, value, masks: dict) -> str:
    if value in (None, ""):
        return "（空）"
    if name in masks:
        return masks[name](value)
    if isinstance(value, bool):
        return "是" if value else "否"
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.is_relation:
        target = f.related_model._default_manager.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    return str(value)


def changes(obj, limit: int = 30, masks: dict | None = None) -> list[Change]:
    """Newest first: who changed what on `obj`, with masked values where `masks` says so."""
    return changes_of(obj.history.all(), type(obj), limit, masks)


def changes_of(records, model, limit: int = 30, masks: dict | None = None, subject=None) -> list[Change]:
    """Newest first, for a queryset of historical records of `model` (one or several objects);
    `subject(record)` names the object of each change when several are listed together."""
    masks = masks or {}
    pk = model._meta.pk.attname
    records = records.select_related("history_user").order_by("-history_date", "-history_id")
    # A save that changed no recorded field (e.g. a login stamping an account before logins stopped writing
    # history) is not shown: read further back, within bounds, so that `limit` real changes are listed.
    window = list(records[: limit * SCAN_FACTOR])
    out = []
    for i, record in enumerate(window):
        if len(out) == limit:
            break
        change = Change(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "系统",
            action=ACTIONS.get(record.history_type, record.history_type),
            subject=subject(record) if subject else "",
            reason=record.history_change_reason or "",
        )
        if record.history_type == "~":
            key = getattr(record, pk)
            earlier = (r for r in window[i + 1 :] if getattr(r, pk) == key)
            previous = next(earlier, None) or record.prev_record
            for delta in record.diff_against(previous).changes if previous else ():
                label = str(model._meta.get_field(delta.field).verbose_name)
                change.fields.append(
                    (
                        label,
                        _shown(model, delta.field, delta.old, masks),
                        _shown(model, delta.field, delta.new, masks),
                    )
                )
            if previous and not change.fields and not change.reason:
                continue
        out.append(change)
    return out


def position_changes(records, limit: int = 30) -> list[Change]:
    """Changes of several positions (Position.history filtered by org or member), each named."""
    from dangjian.orgs.models import Position

    return changes_of(
        records.select_related("org", "member"),
        Position,
        limit,
        subject=lambda r: f"{r.org.name} {r.get_title_display()} {r.member.name}",
    )
