"""``log:``: each message is one log line (recipient masked). The default: nothing leaves the box."""

from __future__ import annotations

import logging

from ._api import Message

log = logging.getLogger("hallq.notify")


class LogNotifier:
    name = "log"

    def send(self, message: Message) -> None:
        log.info("notice %s to %s: %s", message.kind, message.to_mask, message.text_zh,
                 extra={"fields": message.public()})

    def close(self) -> None:
        pass
