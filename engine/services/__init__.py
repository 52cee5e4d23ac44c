"""Service functions: each takes a session and the time explicitly, and changes state in one place.

Import them from their modules (``engine.services.start``, ``.status``, ...): this package does not
re-export them, so a command that only reads status does not load the plan and directory models.
"""
