"""What a delivery channel is: how a ready task reaches its department, with its options checked.

A channel is one class registered in :data:`CHANNELS`. It declares the options a department may set
for it (checked when a catalogue is imported, with Chinese messages), checks a department's
configuration (``check_config``), and delivers one task's payload (``deliver``), raising
:class:`DeliveryFailed` when the department's side did not take it; the outbox then tries again.
Every channel may rename the item's own field names to the department system's names (``field_map``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar


class DeliveryFailed(RuntimeError):
    """A delivery attempt that did not reach the department; it is tried again later."""


@dataclass(frozen=True)
class Option:
    """One option of a channel, as a department sets it under ``channel_options``."""

    name: str
    label: str
    kind: type = str  # str, int, float, bool or dict
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None

    def problems(self, value: Any) -> list[str]:
        if value is None:
            return [f"缺少{self.label}（{self.name}）"] if self.required else []
        expected = (int, float) if self.kind is float else self.kind
        if isinstance(value, bool) and self.kind is not bool or not isinstance(value, expected):
            return [f"{self.label}（{self.name}）应为{_KIND_NAMES[self.kind]}"]
        if isinstance(value, int | float) and self.minimum is not None and value < self.minimum:
            return [f"{self.label}（{self.name}）不能小于 {self.minimum:g}"]
        if isinstance(value, int | float) and self.maximum is not None and value > self.maximum:
            return [f"{self.label}（{self.name}）不能大于 {self.maximum:g}"]
        return []


_KIND_NAMES = {str: "文字", int: "整数", float: "数字", bool: "是或否", dict: "键值对"}

FIELD_MAP = Option("field_map", "字段名称对照（本系统字段名 → 业务系统字段名）", dict)


@dataclass(frozen=True)
class Destination:
    """A department as a channel sees it: where, with which key and options (no ORM object)."""

    code: str
    url: str | None = None
    secret: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


class DeliveryChannel:
    """Base class of the delivery channels; subclasses set ``name``, ``label`` and ``options``."""

    name: ClassVar[str]
    label: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()
    remote: ClassVar[bool] = (
        False  # posts to the department's own system (``webhook_url``, signed with its key)
    )
    # whether ``deliver`` sends the task's payload; a channel that only marks the task visible here
    # is spared building it (the form projected, the materials and earlier results read)
    carries_payload: ClassVar[bool] = True

    @classmethod
    def all_options(cls) -> tuple[Option, ...]:
        return (*cls.options, FIELD_MAP)

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """Problems with the ``channel_options`` a department declares (Chinese, all at once)."""
        known = {option.name: option for option in cls.all_options()}
        problems = [
            f"接收方式 {cls.name} 没有选项“{name}”，可用：{'、'.join(known)}"
            for name in options
            if name not in known
        ]
        for option in known.values():
            problems.extend(option.problems(options.get(option.name)))
        field_map = options.get(FIELD_MAP.name)
        if isinstance(field_map, dict) and not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in field_map.items()
        ):
            problems.append("字段名称对照的每一项都应是“本系统字段名: 业务系统字段名”")
        return problems

    @classmethod
    def declaration_problems(cls, url: str | None, options: Mapping[str, Any]) -> list[str]:
        """Problems with what a catalogue file declares for a department (checked at import)."""
        problems = cls.option_problems(options)
        if cls.remote and not url:
            problems.append(f"接收方式为 {cls.name} 时必须填写业务系统接收地址（webhook_url）")
        return problems

    @classmethod
    def check_config(cls, destination: Destination) -> list[str]:
        """Problems that keep a department's stored configuration from working
        (``bundler department check``)."""
        problems = cls.declaration_problems(destination.url, destination.options)
        if cls.remote and not destination.secret:
            problems.append(f"缺少签名密钥：运行 bundler department secret {destination.code} 生成")
        return problems

    @staticmethod
    def rename_fields(payload: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        """The payload with its form's field names as the department system names them."""
        field_map = options.get(FIELD_MAP.name) or {}
        if not field_map:
            return payload
        return {**payload, "form": {field_map.get(k, k): v for k, v in payload.get("form", {}).items()}}

    def deliver(self, destination: Destination, payload: dict[str, Any]) -> None:
        raise NotImplementedError


class ChannelRegistry:
    """The delivery channels by name."""

    def __init__(self) -> None:
        self._channels: dict[str, type[DeliveryChannel]] = {}

    def register(self, channel: type[DeliveryChannel]) -> type[DeliveryChannel]:
        """Add a channel class (usable as a class decorator)."""
        if channel.name in self._channels:
            raise ValueError(f"delivery channel {channel.name!r} is already registered")
        self._channels[channel.name] = channel
        return channel

    def unregister(self, name: str) -> None:
        self._channels.pop(name, None)

    @contextmanager
    def registered(self, channel: type[DeliveryChannel]) -> Iterator[type[DeliveryChannel]]:
        """A channel registered for the duration of a block (tests)."""
        self.register(channel)
        try:
            yield channel
        finally:
            self.unregister(channel.name)

    def get(self, name: str) -> DeliveryChannel:
        try:
            return self._channels[name]()
        except KeyError:
            raise LookupError(f"unknown delivery channel {name!r}") from None

    def cls(self, name: str) -> type[DeliveryChannel] | None:
        return self._channels.get(name)

    def names(self) -> tuple[str, ...]:
        return tuple(self._channels)


CHANNELS = ChannelRegistry()
