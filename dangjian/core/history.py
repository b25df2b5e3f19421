"""The change log shown on every record's page, from django-simple-history."""

from dataclasses import dataclass, field

ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}


@dataclass
class Change:
    when: object
    who: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _shown(model, name: str, value, masks: dict) -> str:
    if value in (None, ""):
        return "（空）"
    if name in masks:
        return masks[name](value)
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.is_relation:
        target = f.related_model._default_manager.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    return str(value)


def changes(obj, limit: int = 30, masks: dict | None = None) -> list[Change]:
    """Newest first: who changed what on `obj`, with masked values where `masks` says so."""
    masks = masks or {}
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(obj)
    out = []
    for i, record in enumerate(records[:limit]):
        change = Change(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "系统",
            action=ACTIONS.get(record.history_type, record.history_type),
        )
        previous = records[i + 1] if i + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            for delta in record.diff_against(previous).changes:
                label = str(model._meta.get_field(delta.field).verbose_name)
                change.fields.append(
                    (
                        label,
                        _shown(model, delta.field, delta.old, masks),
                        _shown(model, delta.field, delta.new, masks),
                    )
                )
        out.append(change)
    return out
