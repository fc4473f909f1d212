import pytest

from functions.domain.contact import normalise_email, normalise_phone


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
        ("ouma@bücher.example", "ouma@bücher.example"),
    ],
)
def test_valid_emails_keep_their_local_part_and_lower_case_their_domain(typed, stored):
    assert normalise_email(typed) == stored


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
    ],
)
def test_invalid_emails_are_refused(typed):
    with pytest.raises(ValueError, match="name@example.com"):
        normalise_email(typed)
