"""Reading address headers as mail clients do (RFC 2047, 6.2), for the tests of the email builder.

A display name longer than one encoded word (75 characters carry 45 bytes of UTF-8, about twenty
Vietnamese letters) travels as several, and RFC 2047 says the whitespace between two adjacent
encoded words is not part of the text. Python's ``policy.default`` parser keeps it in display names
(CPython gh-128110, fixed upstream by python/cpython#130749): a name cut after a space reads back
with two spaces there. No encoding can satisfy both readers: where one encoded word ends and the
next begins, a mail client adds nothing and that parser adds a space. The builder writes for mail
clients; these tests read as they do, and check separately what the standard parser sees.
"""

from __future__ import annotations

import email.policy
import re
from email.message import EmailMessage


def rfc2047_display_names(message: EmailMessage, header: str) -> list[str]:
    """The display names of ``header`` as RFC 2047, 6.2 reads them.

    The whitespace between adjacent encoded words is removed first; the standard parser does the
    rest (it decodes adjacent encoded words, quoted strings and plain words alike).
    """
    raw = next(value for key, value in message.raw_items() if key.lower() == header.lower())
    unfolded = re.sub(r"\r?\n", "", str(raw))
    joined = re.sub(r"\?=\s+=\?", "?==?", unfolded)
    return [address.display_name for address in email.policy.default.header_factory(header, joined).addresses]
