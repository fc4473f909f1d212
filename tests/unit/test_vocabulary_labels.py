"""Labels: the forums' words never change a case's (their values overlap: "parent", "staff")."""

from functions.domain.shared.vocabulary import (
    Audience,
    Category,
    ForumTopic,
    ParticipantRole,
    ReporterRole,
    label,
    options,
)


def test_a_case_reporters_role_keeps_its_own_label_beside_a_forum_participants():
    assert label(ReporterRole.PARENT) == "Parent"
    assert label(ParticipantRole.PARENT) == "Parent or guardian"
    assert label(ReporterRole.STAFF) == "Centre staff"
    assert label(ParticipantRole.STAFF) == "Centre staff member"
    assert label(Audience.STAFF) == "Centre staff"
    assert label(Category.RIGHTS_OF_PARENTS_AND_CHILDREN) == "Rights of parents and children"
    assert label(ForumTopic.RIGHTS_OF_PARENTS_AND_CHILDREN).startswith("Understanding the rights")


def test_stored_strings_get_the_label_of_the_vocabulary_that_owns_them():
    assert label("parent") == "Parent"  # a case's reporter role, as stored
    assert label("zoom_webinar") == "Zoom webinar"
    assert label("community_leader") == "Community leader"
    roles = [option["label"] for option in options(ParticipantRole)]
    assert roles[:2] == ["Parent or guardian", "Centre staff member"]
