"""What an SMS sender is: one class per way of sending, registered in :data:`SENDERS`.

The installation picks one with ``SMS_SENDER`` (default ``development``). A sender takes one message
for one mobile number and raises :class:`SendFailed` when it was not taken; the notification job
records the outcome and rq tries again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar


class SendFailed(RuntimeError):
    """The gateway did not take the message; it is tried again later."""


class SmsSender:
    name: ClassVar[str]
    label: ClassVar[str]

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    def check_config(self) -> list[str]:
        """What keeps this sender from working with the installation's settings (Chinese)."""
        return []

    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class SenderRegistry:
    def __init__(self) -> None:
        self._senders: dict[str, type[SmsSender]] = {}

    def register(self, sender: type[SmsSender]) -> type[SmsSender]:
        if sender.name in self._senders:
            raise ValueError(f"SMS sender {sender.name!r} is already registered")
        self._senders[sender.name] = sender
        return sender

    def unregister(self, name: str) -> None:
        self._senders.pop(name, None)

    @contextmanager
    def registered(self, sender: type[SmsSender]) -> Iterator[type[SmsSender]]:
        self.register(sender)
        try:
            yield sender
        finally:
            self.unregister(sender.name)

    def get(self, name: str, config: Mapping[str, Any]) -> SmsSender:
        try:
            return self._senders[name](config)
        except KeyError:
            raise LookupError(f"未知的短信发送方式“{name}”，可用：{'、'.join(self._senders)}") from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._senders)


SENDERS = SenderRegistry()
