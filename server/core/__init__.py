"""The dispatcher core: pure state and decisions, no I/O, no wall clock (contract §2)."""
