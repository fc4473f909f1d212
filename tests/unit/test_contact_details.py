import email_validator
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from functions.domain.shared.contact import address_key, normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("082 123 4567", "+27821234567"),
        ("(082) 123-4567", "+27821234567"),
        ("+27 82 123 4567", "+27821234567"),
        ("0027821234567", "+27821234567"),
        ("27 11 555 0100", "+27115550100"),
        ("011 555 0100", "+27115550100"),
        ("+263 77 123 4567", "+263771234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("０８２ １２３ ４５６７", "+27821234567"),  # full-width digits
    ],
)
def test_phone_numbers_are_stored_in_e164_south_african_by_default(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12",
        "082 123 456",
        "0921234567",
        "phone me",
        "+27 82 123 4567 ext 4",
        "+999 123 4567",
        "082 123 45678",
        "٠٨٢١٢٣٤٥٦٧",  # digits of another script: not a number we can dial as typed
        "082 123 4567\n5",
    ],
)
def test_impossible_phone_numbers_are_refused(typed):
    with pytest.raises(ValueError, match="082 123 4567"):
        normalise_phone(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" Thandi@Example.ORG ", "Thandi@example.org"),
        ("first.last+ecd@mail.co.za", "first.last+ecd@mail.co.za"),
        ("ouma@bücher.example", "ouma@xn--bcher-kva.example"),
        ("victim@ＥＸＡＭＰＬＥ.ORG", "victim@example.org"),  # full-width letters
        ("a@example.org\n", "a@example.org"),  # surrounding space, a line end too, is trimmed
    ],
)
def test_valid_emails_keep_their_local_part_and_normalise_their_domain(typed, stored):
    assert normalise_email(typed) == stored


def test_one_mailbox_has_one_suppression_key_however_its_domain_was_typed():
    keys = {address_key(normalise_email(typed)) for typed in
            ("victim@ＥＸＡＭＰＬＥ.ORG", "victim@Example.org", "victim@example.org")}  # fmt: skip
    assert len(keys) == 1


@pytest.mark.parametrize(
    "typed",
    [
        "thandi",
        "thandi@",
        "@example.org",
        "thandi@example",
        "a..b@example.org",
        "thandi@exa mple.org",
        "thandi@-example.org",
        "thandi@example.org\r\nBcc: x@y.z",
        "x" * 65 + "@example.org",
        "thandi@example.c0m",
        "a\n@example.org",  # `$` matches before a final line feed; fullmatch does not
        "a@attacker.org\n.example.org",
        "=?utf-8?q?x?=@example.org",  # an encoded word: shown as other text in the To header
        "x=?utf-8?b?eA==?=@example.org",
        "ünï@example.org",  # a non-ASCII local part needs SMTPUTF8, which we do not send
    ],
)
def test_invalid_emails_are_refused(typed):
    with pytest.raises(ValueError, match="name@example.com"):
        normalise_email(typed)


def _same(ours: str, theirs: str | None) -> bool:
    """The same address: email-validator lower-cases a few role names' local parts (info@,
    postmaster@); we keep every local part as typed (the suppression key ignores case)."""
    return (
        theirs is not None
        and ours.lower() == theirs.lower()
        and (ours.rpartition("@")[2] == theirs.rpartition("@")[2])
    )


def _oracle(address: str) -> str | None:
    """email-validator's verdict (the library we hold ours to): the ASCII form, or None."""
    try:
        checked = email_validator.validate_email(
            address, check_deliverability=False, allow_smtputf8=False, globally_deliverable=False
        )
    except email_validator.EmailNotValidError:
        return None
    return checked.ascii_email


LOCAL = st.text(st.sampled_from('abcXYZ019.+-_=?!#~"é\n '), min_size=1, max_size=12)
LABEL = st.text(st.sampled_from("abcxn-09ÄéＥＸ\u2028."), min_size=1, max_size=10)
DOMAIN = st.lists(LABEL, min_size=1, max_size=4).map(".".join)


@given(local=LOCAL, domain=DOMAIN, tld=st.sampled_from(["org", "ORG", "za", "c0m", "ＯＲＧ", ""]))
@example(local="victim", domain="ＥＸＡＭＰＬＥ", tld="ORG")
@example(local="a", domain="attacker.org\n", tld="example.org")
def test_every_address_we_accept_email_validator_accepts_in_the_same_form(local, domain, tld):
    address = f"{local}@{domain}.{tld}" if tld else f"{local}@{domain}"
    try:
        ours = normalise_email(address)
    except ValueError:
        return
    assert "=?" not in ours
    assert _same(ours, _oracle(address.strip())), address


@given(st.emails())
def test_ordinary_addresses_are_accepted_as_email_validator_accepts_them(address):
    expected = _oracle(address)
    if expected and "=?" not in address and expected.rpartition(".")[2].isalpha():
        assert _same(normalise_email(address), expected)
