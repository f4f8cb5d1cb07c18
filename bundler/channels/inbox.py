"""The department works its tasks in this product's queue: delivering is making it visible there."""

from __future__ import annotations

from typing import Any

from .base import CHANNELS, DeliveryChannel, Destination


@CHANNELS.register
class InboxChannel(DeliveryChannel):
    name = "inbox"
    label = "本系统部门待办"
    carries_payload = False  # the department reads the task from the database on its queue page

    def deliver(self, destination: Destination, payload: dict[str, Any]) -> None:
        """Nothing leaves the service: the delivery row marks the task visible in the queue (the
        payload is empty: ``carries_payload`` is false)."""
