from ninja import Router

router = Router(tags=["合规检查"])
