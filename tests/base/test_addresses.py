"""The one address policy: what the project's SMTP path can send, asked by the directory, the portal
and the email builder alike (finding 4 of issue 12: one contact stopped everyone's reminders)."""

from __future__ import annotations

import pytest

from sxsh_flow.addresses import UnsendableAddress, sendable_address


def test_an_ordinary_address_is_kept_with_its_domain_in_lower_case() -> None:
    address = sendable_address("Sxsh@SCT.HaiDuong.example")
    assert address.normalized == "Sxsh@sct.haiduong.example"
    assert address.ascii == "Sxsh@sct.haiduong.example"


def test_an_internationalised_domain_travels_as_punycode() -> None:
    address = sendable_address("sxsh@sở-công-thương.example")
    assert address.normalized == "sxsh@sở-công-thương.example"
    assert address.ascii.isascii()
    assert address.ascii.startswith("sxsh@xn--")


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("nguyễn@sct.haiduong.example", "SMTPUTF8"),  # the finding: a non-ASCII local part
        ("sxsh@localhost", "domain"),  # no dot: not a domain mail crosses the internet to
        ("sxsh\r\nBcc: x@evil.example@sct.example", ""),
        ("sxsh\x00@sct.example", ""),
        ("a" * 65 + "@sct.example", ""),  # a local part is at most 64 octets (RFC 5321)
        ("a@" + "b" * 250 + ".example", ""),  # an address is at most 254
        ('"quoted"@sct.example', ""),
        ("", ""),
        ("dung.sct.hd.example", ""),
    ],
)
def test_addresses_the_smtp_path_cannot_send_are_refused_with_a_reason(email: str, reason: str) -> None:
    with pytest.raises(UnsendableAddress) as refused:
        sendable_address(email)
    assert reason in str(refused.value)
    assert isinstance(refused.value, ValueError)  # pydantic validators and forms catch ValueError


def test_a_non_ascii_local_part_is_sendable_only_where_smtputf8_is_configured() -> None:
    assert sendable_address("nguyễn@sct.haiduong.example", smtputf8=True).normalized == "nguyễn@sct.haiduong.example"
