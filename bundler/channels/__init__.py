"""Delivery channels, one module each, registered in ``CHANNELS`` (see ``base.py``)."""

from . import inbox, webhook  # noqa: F401  (register the built-in channels)
from .base import CHANNELS, ChannelRegistry, DeliveryChannel, DeliveryFailed, Destination, Option

__all__ = ["CHANNELS", "ChannelRegistry", "DeliveryChannel", "DeliveryFailed", "Destination", "Option"]
