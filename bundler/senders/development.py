"""Development and demonstration: nothing leaves the machine. Every message stays in the
notifications table, shown to administrators at /admin/notifications."""

from __future__ import annotations

from .base import SENDERS, SmsSender


@SENDERS.register
class DevelopmentSender(SmsSender):
    name = "development"
    label = "开发环境（只记录，不发送）"

    def send(self, mobile: str, text: str) -> None:
        """Taken as sent: the notification row is the record."""
