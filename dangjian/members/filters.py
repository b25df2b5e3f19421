from urllib.parse import urlencode

from django.db.models import Q

from dangjian.core import crypto, idcard
from dangjian.orgs.models import Organisation

from .choices import Category, Status


class MemberFilter:
    """The member list's filters, shared by the page, the export and the API."""

    def __init__(self, params, access):
        self.access = access
        self.org_code = (params.get("org") or "").strip()
        self.category = params.get("category") if params.get("category") in Category.values else ""
        self.status = params.get("status") if params.get("status") in Status.values else ""
        self.q = (params.get("q") or "").strip()
        self.org = None
        if self.org_code:
            self.org = access.visible_orgs().filter(code=self.org_code).first()

    def queryset(self):
        members = self.access.visible_members().select_related("org", "group", "dual_org")
        if self.org_code:
            if self.org is None:
                members = members.none()
            else:
                members = members.filter(org__in=Organisation.objects.subtree(self.org).values("pk"))
        if self.category:
            members = members.filter(category=self.category)
        if self.status:
            members = members.filter(status=self.status)
        if self.q:
            # Names by substring; ID and phone numbers only whole, through their keyed hashes.
            key = crypto.lookup_hash(idcard.normalise(self.q))
            members = members.filter(Q(name__contains=self.q) | Q(id_number_hash=key) | Q(phone_hash=key))
        return members.order_by("name_pinyin", "id")

    def querystring(self) -> str:
        params = {"org": self.org_code, "category": self.category, "status": self.status, "q": self.q}
        return urlencode({k: v for k, v in params.items() if v})
