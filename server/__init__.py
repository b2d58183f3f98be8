"""hallq server: the dispatcher core (``server.core``), the simulator (``server.sim``),
storage, the HTTP/WebSocket API and the ``hallq`` command line."""
