"""``hallq`` subcommands of the hall server: init, server, clerk, device, status, audit.

Each module has ``register(subparsers)``; shared plumbing (settings, config errors → exit 2) is in
:mod:`server.commands.common`.
"""
