import re

from functions.domain.cases.references import (
    hash_token,
    new_reference,
    status_token,
)

SHAPE = re.compile(r"^FB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$")


def test_references_are_short_readable_and_not_sequential():
    references = [new_reference() for _ in range(2000)]
    assert all(SHAPE.match(r) for r in references)
    assert len(set(references)) == len(references)
    # No letters that are misread over the phone.
    assert not set("".join(references)) & set("ILOU")
    assert sorted(references) != references


def test_status_tokens_are_unguessable_without_the_secret_and_stored_only_as_hashes():
    token = status_token("FB-7K3M-Q9P", b"secret")
    assert len(token) == 32
    assert status_token("FB-7K3M-Q9P", b"secret") == token
    assert status_token("FB-7K3M-Q9P", b"other secret") != token
    assert status_token("FB-7K3M-Q9Q", b"secret") != token
    assert "FB" not in token
    assert hash_token(token) != token and len(hash_token(token)) == 64
