"""SMS senders, one module each, registered in ``SENDERS`` (see ``base.py``)."""

from . import development, http_gateway  # noqa: F401  (register the built-in senders)
from .base import SENDERS, SenderRegistry, SendFailed, SmsSender

__all__ = ["SENDERS", "SendFailed", "SenderRegistry", "SmsSender"]
