"""Email: templates, rendering, MIME composition, transports (SMTP, .eml files) and the dispatcher.

``EMAIL_WRITER`` is what the engine is handed to turn a message's context into an email.
"""

from sxsh_flow.engine.message import MessageWriter
from sxsh_flow.notifications.compose import compose, make_message_id
from sxsh_flow.notifications.message_bytes import compose_bytes
from sxsh_flow.notifications.render import render

EMAIL_WRITER = MessageWriter(render=render, compose=compose, message_id=make_message_id, compose_bytes=compose_bytes)

__all__ = ["EMAIL_WRITER"]
