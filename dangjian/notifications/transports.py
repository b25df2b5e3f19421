"""How a delivery leaves the outbox: one class per channel (in-app, e-mail, 企业微信, 钉钉).

`send(delivery)` returns when the message was accepted and raises `TransportError` (with a Chinese
reason kept on the delivery) when it was not, so the worker retries it later.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from .models import Delivery
from .services import notify

TIMEOUT = 10


class TransportError(Exception):
    pass


class Transport:
    def __init__(self, delivery: Delivery):
        self.delivery = delivery

    def send(self) -> None:
        raise NotImplementedError

    def text(self) -> str:
        d = self.delivery
        link = (
            f"\n{settings.SITE_URL.rstrip('/')}{d.url}" if d.url and getattr(settings, "SITE_URL", "") else ""
        )
        return f"{d.title}\n{d.body}{link}".strip()


class InApp(Transport):
    def send(self) -> None:
        d = self.delivery
        members = [d.recipient_id] if d.recipient_id else []
        accounts = [d.account_id] if d.account_id else []
        notify(members, accounts=accounts, key=d.key, title=d.title, body=d.body, url=d.url)


class Email(Transport):
    def send(self) -> None:
        d = self.delivery
        try:
            send_mail(d.title, self.text(), None, [d.address], fail_silently=False)
        except Exception as exc:  # SMTP and socket errors alike: keep the reason and retry
            raise TransportError(f"邮件发送失败：{exc}") from exc


class Webhook(Transport):
    """A group robot: POST a JSON message; the service answers {"errcode": 0} when it took it."""

    def url(self) -> str:
        return self.delivery.channel.url

    def payload(self) -> dict:
        raise NotImplementedError

    def send(self) -> None:
        data = json.dumps(self.payload(), ensure_ascii=False).encode()
        request = urllib.request.Request(self.url(), data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (configured URL)
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise TransportError(f"群机器人接口无法访问：{exc}") from exc
        if answer.get("errcode", 0) != 0:
            raise TransportError(f"群机器人拒绝了消息：{answer.get('errmsg', answer)}")


class WeCom(Webhook):
    def payload(self) -> dict:
        return {"msgtype": "text", "text": {"content": self.text()}}


class DingTalk(Webhook):
    def url(self) -> str:
        channel = self.delivery.channel
        if not channel.secret:
            return channel.url
        # 钉钉“加签”：timestamp + HMAC-SHA256(secret, "timestamp\nsecret"), base64, URL-encoded.
        stamp = str(round(time.time() * 1000))
        digest = hmac.new(
            channel.secret.encode(), f"{stamp}\n{channel.secret}".encode(), hashlib.sha256
        ).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        return f"{channel.url}&timestamp={stamp}&sign={sign}"

    def payload(self) -> dict:
        return {"msgtype": "text", "text": {"content": self.text()}}


TRANSPORTS: dict[str, type[Transport]] = {
    Delivery.Transport.INAPP: InApp,
    Delivery.Transport.EMAIL: Email,
    Delivery.Transport.WECOM: WeCom,
    Delivery.Transport.DINGTALK: DingTalk,
}


def transport_for(delivery: Delivery) -> Transport:
    return TRANSPORTS[delivery.transport](delivery)
