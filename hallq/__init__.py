"""The ``hallq`` command line: one entry point for every machine of a hall (:mod:`hallq.cli`).

It imports nothing but the standard library until a subcommand is chosen, so the same console script
works on a server box (``pip install 'hallq[server]'``) and on a kiosk (``'hallq[terminal]'``).
"""
