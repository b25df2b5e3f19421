from ninja import Router, Schema

from .access import access_for

router = Router(tags=["账号"])


class MeOut(Schema):
    username: str
    name: str
    kind: str
    roles: list[str]
    member_id: int | None


@router.get("/me", response=MeOut, summary="当前登录账号及其角色")
def me(request):
    access = access_for(request.user)
    return {
        "username": request.user.username,
        "name": str(request.user),
        "kind": request.user.kind,
        "roles": access.role_labels(),
        "member_id": access.member_id,
    }
