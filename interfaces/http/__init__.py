"""The HTTP API (Litestar): ``create_app`` builds it, ``server.serve`` runs it."""
