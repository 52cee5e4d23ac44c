"""The one address policy: which mail addresses the project's SMTP path can send to.

The directory loader, the portal's forms, the settings and the email builder all ask this module,
so an address that one of them accepts is never refused by another later (issue 12: a contact with
a non-ASCII local part was imported, then refused by the builder, which stopped every agency's
reminders). The path is plain SMTP with 7-bit headers:

- the local part is ASCII unless the installation's server is configured for SMTPUTF8 (RFC 6531);
  an internationalised domain travels as its punycode form, which needs no extension;
- the domain is a name with a dot (no ``localhost``, no ``[1.2.3.4]``), and not a special-use name
  that can never receive mail (``.invalid``, ``.local``, ...);
- no quoted local part, no control characters, nothing but one ``local@domain``;
- RFC 5321's limits: 64 octets of local part, 254 in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

MAX_ADDRESS_LENGTH = 254  # RFC 5321 4.5.3.1.3: a 256-octet path, less its angle brackets
MAX_LOCAL_PART_LENGTH = 64  # RFC 5321 4.5.3.1.1


class UnsendableAddress(ValueError):
    """An address the SMTP path cannot send to; the message says why, in terms a coordinator can fix.

    A ``ValueError``, so pydantic validators and form parsers report it as an invalid value.
    """

    def __init__(self, email: str, reason: str) -> None:
        super().__init__(f"'{email}' cannot be sent to: {reason}")
        self.email = email
        self.reason = reason


@dataclass(frozen=True)
class SendableAddress:
    normalized: str  # as stored and shown: the domain in lower case, an international domain as typed
    ascii: str  # as the SMTP envelope and the headers carry it: the domain in punycode


def sendable_address(email: str, *, smtputf8: bool = False, deliverable: bool = True) -> SendableAddress:
    """``email`` checked against the policy; raises ``UnsendableAddress`` with the reason.

    ``deliverable=False`` is for a sender only: an unattended ``noreply@...`` mailbox under a name
    that receives nothing (``.invalid``) may stand in From, never in To.
    """
    return _checked(email, smtputf8, deliverable)


# Every step that writes checks the directory's addresses again, each in two places (who can be
# written to, then the headers): a pure check, so each address is checked once per process.
# A refusal is not kept: it is raised again at each call.
@lru_cache(maxsize=16384)
def _checked(email: str, smtputf8: bool, deliverable: bool) -> SendableAddress:
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in email):
        raise UnsendableAddress(email.encode("unicode_escape").decode("ascii"), "it contains a control character")
    local_part = email.rpartition("@")[0]
    if not smtputf8 and not local_part.isascii():
        raise UnsendableAddress(
            email,
            "the part before @ has non-ASCII characters, which needs SMTPUTF8 on every mail server on the way; "
            "ask the agency for an ASCII address",
        )
    try:
        checked = validate_email(
            email,
            allow_smtputf8=smtputf8,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            check_deliverability=False,
            globally_deliverable=deliverable,
        )
    except EmailNotValidError as exc:
        raise UnsendableAddress(email, _reason(str(exc))) from exc
    ascii_form = checked.ascii_email or checked.normalized
    local_octets = len(checked.local_part.encode("utf-8"))
    if local_octets > MAX_LOCAL_PART_LENGTH:
        raise UnsendableAddress(
            email, f"the part before @ is {local_octets} octets long, more than {MAX_LOCAL_PART_LENGTH}"
        )
    if len(ascii_form.encode("utf-8")) > MAX_ADDRESS_LENGTH:
        raise UnsendableAddress(email, f"the address is longer than {MAX_ADDRESS_LENGTH} octets")
    if deliverable and "." not in checked.ascii_domain:
        raise UnsendableAddress(email, "the domain after @ needs a dot")
    return SendableAddress(normalized=checked.normalized, ascii=ascii_form)


def address_problem(email: str, *, smtputf8: bool = False) -> str | None:
    """Why the SMTP path cannot send to ``email``, or None when it can."""
    try:
        sendable_address(email, smtputf8=smtputf8)
    except UnsendableAddress as refused:
        return str(refused)
    return None


def _reason(text: str) -> str:
    # email_validator's sentences name the @-sign; keep them, without the final full stop.
    return text.rstrip(".").replace("It should have a period", "the domain needs a dot")
