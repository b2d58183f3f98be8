"""The audit trail (留痕, 001 第十四条; 004 第十六条: no back-filling): append-only and hash-chained.

Each row carries ``prev_hash`` and ``hash = sha256(canonical JSON of its fields + prev_hash)``, so
changing, inserting or deleting any row breaks the chain at that row; ``audit_head`` holds the tip so that
cutting rows off the end is caught too. :func:`append` must run inside the caller's write transaction
(the hall-lock transaction for hall actions): the row commits or vanishes with the action it records.
"""

from .chain import GENESIS, AuditRecord, VerifyResult, append, verify

__all__ = ["GENESIS", "AuditRecord", "VerifyResult", "append", "verify"]
