"""The two halves point at each other: labs at the notes that explain them, notes at labs."""

from __future__ import annotations

from content.loader import load_course
from engine import catalogue


def test_every_lab_names_a_section_of_the_bundled_lecture() -> None:
    course = load_course()
    sections = {s.id for lecture in course.lectures for s in lecture.sections}
    assert sections, "the bundled lecture has no sections"
    wrong = {lab.id: lab.section for lab in catalogue.LABS.values() if lab.section not in sections}
    assert not wrong, f"labs naming unknown sections: {wrong}"


def test_every_lab_link_in_the_content_names_a_lab() -> None:
    course = load_course()
    links = {s.lab for lecture in course.lectures for s in lecture.sections if s.lab}
    links |= {q.lab for lecture in course.lectures for q in lecture.questions if q.lab}
    assert links, "the bundled lecture links no lab"
    assert links <= catalogue.lab_ids()
