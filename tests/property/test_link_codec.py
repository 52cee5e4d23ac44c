"""Reply-link tokens: what is signed reads back; nothing else reads as a link, and nothing raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from sxsh_flow.engine.models import ReplyLink
from sxsh_flow.engine.services.links import LINK_SALT, LinkSigner, new_nonces

SECRET = "property-tests-" + "k" * 40
SIGNER = LinkSigner(SECRET, "https://sxsh.haiduong.example")
OTHER = LinkSigner("another-installation-" + "q" * 40, "https://sxsh.haiduong.example")
IDS = st.integers(min_value=1, max_value=2**53)
NONCES = st.text(min_size=1, max_size=32)


def link(link_id: int, nonce: str) -> ReplyLink:
    return ReplyLink(id=link_id, nonce=nonce)


@settings(max_examples=300)
@given(IDS, NONCES)
def test_a_signed_link_reads_back_as_its_id_and_nonce(link_id: int, nonce: str) -> None:
    token = SIGNER.token(link(link_id, nonce))

    assert SIGNER.read(token) == (link_id, nonce)
    assert SIGNER.url(link(link_id, nonce)).endswith("/r/" + token)


@settings(max_examples=300)
@given(IDS, NONCES, st.data())
def test_a_token_changed_in_one_place_or_signed_elsewhere_is_not_read(
    link_id: int, nonce: str, data: st.DataObject
) -> None:
    token = SIGNER.token(link(link_id, nonce))
    at = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    other = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.").filter(
            lambda character: character != token[at]
        )
    )
    altered = token[:at] + other + token[at + 1 :]

    # A changed character in the last base64 digit can decode to the same bytes: then it is the same token.
    assert SIGNER.read(altered) in (None, (link_id, nonce))
    assert OTHER.read(token) is None


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda raw: raw.decode("latin-1"))))
def test_any_text_is_either_a_link_we_signed_or_none_and_never_an_error(token: str) -> None:
    assert SIGNER.read(token) is None


@settings(max_examples=500)
@given(IDS, st.one_of(NONCES, st.builds(lambda: next(new_nonces(1)))), st.sampled_from([SECRET, "x" * 48]))
def test_a_token_is_the_very_token_itsdangerous_signs(link_id: int, nonce: str, secret: str) -> None:
    # Links already sent were signed by URLSafeSerializer.dumps: LinkSigner signs the same bytes.
    expected = URLSafeSerializer(secret, salt=LINK_SALT).dumps([link_id, nonce])

    assert LinkSigner(secret, "https://sxsh.haiduong.example").token(link(link_id, nonce)) == expected
