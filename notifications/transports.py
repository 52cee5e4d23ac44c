"""Transports deliver a composed ``EmailMessage`` and say how it went; they never raise for it.

Three implementations share the ``Transport`` protocol: ``SmtpTransport`` (aiosmtplib, a small pool
of persistent connections), ``EmlFolderTransport`` (one ``.eml`` file per message, for a machine
without a mail server or for a dry run) and ``MemoryTransport`` (for tests). Every outcome is a
``Delivery``: the dispatcher records it, and retries later only when ``permanent`` is false.
"""

from __future__ import annotations

from pathlib import Path

from sxsh_flow.notifications.delivery import Delivery, Transport
from sxsh_flow.notifications.eml_folder import EmlFolderTransport
from sxsh_flow.notifications.memory_transport import MemoryTransport
from sxsh_flow.notifications.smtp import SmtpTransport

__all__ = ["Delivery", "EmlFolderTransport", "MemoryTransport", "SmtpTransport", "Transport", "transport_for"]


def transport_for(smtp_url: str | None, eml_folder: Path) -> Transport:
    """SMTP when a server is configured (SXSH_SMTP_URL), else a folder of .eml files."""
    from sxsh_flow.notifications.smtp_url import parse_smtp_url

    if smtp_url:
        return SmtpTransport(parse_smtp_url(smtp_url))
    return EmlFolderTransport(eml_folder)
