import re

from functions.domain.cases.references import is_reference, new_reference

SHAPE = re.compile(r"^FB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$")


def test_references_are_short_readable_and_not_sequential():
    references = [new_reference() for _ in range(2000)]
    assert all(SHAPE.match(r) for r in references)
    assert len(set(references)) == len(references)
    # No letters that are misread over the phone.
    assert not set("".join(references)) & set("ILOU")
    assert sorted(references) != references


def test_only_the_shape_of_a_reference_is_a_reference():
    assert is_reference("FB-7K3M-Q9P")
    for other in ("FB-7K3M-Q9I", "fb-7k3m-q9p", "FB-7K3M-Q9P\n", "../FB", None, 7):
        assert not is_reference(other)
