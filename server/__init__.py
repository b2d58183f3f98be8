"""hallq server: the dispatcher core (``server.core``), the simulator (``server.sim``),
storage, the HTTP/WebSocket API, auth, audit and the server's commands (``hallq server``, ``init``…)."""
