"""ID cards at the kiosk (issue 18), server side: the kiosks' card key, the per-person daily limit and
the link from a booking's person to the card hash a kiosk sends.

The kiosk sends only ``person_hash`` — ``vocab.cardhash.card_hash(card_key, number)`` — and derived
facts (card type, age band). Nothing here ever sees an ID number except :func:`links.link_booking_person`,
which runs while a booking made *with* an ID number is written (the booking service has it in memory
then) and stores only the card hash beside the booking's own keyed hash.

* :mod:`.limits`  “凭身份证取号，每人每天限取 N 个”: the ``write`` hook of a ticket issue
* :mod:`.links`   booking person ↔ card hash; today's booking of a card
"""

from vocab.cardhash import derive_card_key

from .limits import card_detail, per_person_write, require_card
from .links import booking_for_card, link_booking_person

__all__ = ["booking_for_card", "card_detail", "derive_card_key", "link_booking_person", "per_person_write",
           "require_card"]
