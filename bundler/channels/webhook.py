"""The department's own system receives each task as a signed JSON POST.

The body is signed with HMAC-SHA256 over ``timestamp + "." + body`` with the department's key, sent as
``X-Bundler-Signature: sha256=…`` beside ``X-Bundler-Timestamp``, so the receiver can check both
the sender and the freshness. ``X-Bundler-Delivery`` (also ``delivery_id`` in the body) stays the same
for every attempt of one delivery, so a receiver discards a repeat. Any 2xx answer is taken as
received. Addresses are https only, unless WEBHOOK_ALLOW_HTTP is set (tests, a closed network).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx
from flask import current_app, has_app_context

from ..web_security import is_https_url
from .base import CHANNELS, DeliveryChannel, DeliveryFailed, Destination, Option

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0


def http_allowed() -> bool:
    return has_app_context() and bool(current_app.config.get("WEBHOOK_ALLOW_HTTP"))


def address_problem(url: str | None) -> str | None:
    if url and not is_https_url(url) and not http_allowed():
        return (
            f"业务系统接收地址须以 https:// 开头（收到 {url}）；仅在测试或封闭网络中可设置 WEBHOOK_ALLOW_HTTP"
        )
    return None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@CHANNELS.register
class WebhookChannel(DeliveryChannel):
    name = "webhook"
    label = "部门业务系统（签名推送）"
    remote = True
    options = (Option("timeout", "等待业务系统答复的秒数", float, minimum=1, maximum=60),)

    @classmethod
    def declaration_problems(cls, url: str | None, options: Any) -> list[str]:
        problems = super().declaration_problems(url, options)
        if problem := address_problem(url):
            problems.append(problem)
        return problems

    def deliver(self, destination: Destination, payload: dict[str, Any]) -> None:
        if problem := address_problem(destination.url):
            raise DeliveryFailed(problem)
        body = json.dumps(
            self.rename_fields(payload, destination.options), ensure_ascii=False, default=str
        ).encode()
        timestamp = str(int(time.time()))
        read = float(destination.options.get("timeout") or READ_TIMEOUT)
        try:
            response = httpx.post(
                destination.url or "",
                content=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Bundler-Timestamp": timestamp,
                    "X-Bundler-Delivery": str(payload.get("delivery_id") or ""),
                    "X-Bundler-Signature": sign(destination.secret or "", timestamp, body),
                },
                timeout=httpx.Timeout(read, connect=CONNECT_TIMEOUT),
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"无法连接业务系统：{exc}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"业务系统返回 {response.status_code}")
