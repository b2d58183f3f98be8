"""The hall service layer: one transaction path for every mutation (``service``), rows ↔ core objects
(``repo``), the config mirror (``reference``), idempotency keys and the error shape (``errors``)."""
