from ninja import Router

router = Router(tags=["民主评议党员"])
