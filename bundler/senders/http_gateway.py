"""An SMS gateway reached over HTTP: ``POST SMS_GATEWAY_URL`` with ``{"mobile", "text"}`` as JSON and
``Authorization: Bearer SMS_GATEWAY_TOKEN``; any 2xx answer means taken."""

from __future__ import annotations

import httpx

from .base import SENDERS, SendFailed, SmsSender

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0


@SENDERS.register
class HttpGatewaySender(SmsSender):
    name = "http"
    label = "短信网关（HTTP）"

    def check_config(self) -> list[str]:
        problems = []
        if not str(self.config.get("SMS_GATEWAY_URL") or "").startswith(("http://", "https://")):
            problems.append("未设置短信网关地址 SMS_GATEWAY_URL（http(s) 地址）")
        if not self.config.get("SMS_GATEWAY_TOKEN"):
            problems.append("未设置短信网关令牌 SMS_GATEWAY_TOKEN")
        return problems

    def send(self, mobile: str, text: str) -> None:
        try:
            response = httpx.post(
                str(self.config["SMS_GATEWAY_URL"]),
                json={"mobile": mobile, "text": text},
                headers={"Authorization": f"Bearer {self.config.get('SMS_GATEWAY_TOKEN') or ''}"},
                timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            )
        except httpx.HTTPError as exc:
            raise SendFailed(f"无法连接短信网关：{exc}") from exc
        if not response.is_success:
            raise SendFailed(f"短信网关返回 {response.status_code}")
