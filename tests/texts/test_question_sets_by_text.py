"""Several question sets side by side, by text: keywords, the default, versions, closing."""
from __future__ import annotations

from sqlalchemy import select

from brewline.people.models import Contact
from brewline.surveys import question_sets
from brewline.surveys.models import Answer, Conversation
from tests.surveys.sets import SHIPPED, WRITTEN_AT, close, new_version, publish, write
from tests.texts.test_sms_webhook import replies

OTHER = "+447700900124"


def answers(runtime, phone: str = "+447700900123") -> list[tuple]:
    with runtime.store.transaction() as db:
        return [(a.flow_id, a.flow_version, a.question_id, a.text) for a in db.scalars(
            select(Answer).join(Contact).where(Contact.phone == phone).order_by(Answer.id))]


def ai(runtime, *asked: str) -> str:
    return write(runtime, "AI and us", *(asked or ("What do you use AI for?",
                                                   "What worries you about AI?")), keyword="AI")


def test_texting_a_keyword_starts_that_set_and_its_answers_keep_the_set_version_and_question(
        twilio, runtime):
    ai(runtime)
    [welcome] = replies(twilio.text("ai"))
    assert welcome.startswith("Hello, this is Over a Brew") and "2 short questions" in welcome
    assert replies(twilio.text("yes")) == ["Question 1 of 2: What do you use AI for?"]
    assert replies(twilio.text("Letters")) == ["Question 2 of 2: What worries you about AI?"]
    assert answers(runtime)[-1] == ("ai-and-us", 1, "q1", "Letters")


def test_a_new_texter_with_no_keyword_starts_the_default_set(twilio, runtime):
    ai(runtime)
    assert "5 short questions" in replies(twilio.text("hello"))[0]
    with runtime.store.transaction() as db:
        assert db.scalars(select(Contact.current_flow)).one() == SHIPPED


def test_a_place_in_another_set_is_kept_while_answering_one_by_its_keyword(twilio, runtime):
    ai(runtime)
    for body in ("hi", "yes", "The tea"):
        replies(twilio.text(body))
    replies(twilio.text("AI"))
    replies(twilio.text("yes"))
    assert replies(twilio.text("Letters")) == ["Question 2 of 2: What worries you about AI?"]
    publish(runtime, SHIPPED, "BREW")
    [back, question] = replies(twilio.text("brew"))
    assert back.startswith("Welcome back. You have answered 1 of 5 questions")
    assert question.startswith("Question 2 of 5:")
    assert [a[:3] for a in answers(runtime) if a[2] != "welcome"] == [
        (SHIPPED, 1, "value"), ("ai-and-us", 1, "q1")]


def test_someone_half_way_through_version_1_finishes_on_version_1_after_version_2(twilio,
                                                                                  runtime):
    set_id = ai(runtime, "One?", "Two?", "Three?")
    for body in ("AI", "yes", "first"):
        replies(twilio.text(body))
    assert new_version(runtime, set_id, "Uno?", "Dos?") == 2
    assert replies(twilio.text("second")) == ["Question 3 of 3: Three?"]
    [invite] = replies(twilio.text("third"))
    assert "next Over a Brew" in invite
    assert [a[1:] for a in answers(runtime) if a[2].startswith("q")] == [
        (1, "q1", "first"), (1, "q2", "second"), (1, "q3", "third")]
    assert replies(twilio.text("AI", sender=OTHER))[0].count("2 short questions") == 1
    assert replies(twilio.text("yes", sender=OTHER)) == ["Question 1 of 2: Uno?"]


def test_changing_the_default_does_not_move_anyone_part_way_through(twilio, runtime):
    for body in ("hi", "yes"):
        replies(twilio.text(body))
    ai(runtime)
    with runtime.store.transaction() as db:
        question_sets.make_default(runtime, db, "ai-and-us", WRITTEN_AT)
    assert replies(twilio.text("The tea"))[0].startswith("Question 2 of 5:")
    assert "2 short questions" in replies(twilio.text("hello", sender=OTHER))[0]


def test_a_closed_set_answers_kindly_that_it_has_finished_and_names_the_open_ones(twilio,
                                                                                  runtime):
    set_id = ai(runtime)
    for body in ("AI", "yes"):
        replies(twilio.text(body))
    close(runtime, set_id)
    publish(runtime, SHIPPED, "BREW")
    expected = ('Thank you for getting in touch. Our questions "AI and us" have finished, so '
                'we are not taking answers to them now. You can answer "Over a Brew - what '
                'matters to you" instead: just text BREW.')
    assert replies(twilio.text("Letters")) == [expected]
    assert replies(twilio.text("ai", sender=OTHER)) == [expected]
    assert answers(runtime)[-1][2] == "welcome"  # nothing kept as an answer after closing
    assert replies(twilio.text("brew"))[0].startswith("Hello, this is Over a Brew")


def test_a_person_who_finished_one_set_can_start_another(twilio, runtime):
    set_id = ai(runtime, "Only one?")
    for body in ("AI", "yes", "Yes, one", "no"):
        replies(twilio.text(body))
    [done] = replies(twilio.text("AI"))
    assert "already answered all our questions" in done
    publish(runtime, SHIPPED, "BREW")
    assert "5 short questions" in replies(twilio.text("BREW"))[0]
    with runtime.store.transaction() as db:
        found = {c.flow_id: c.status for c in db.scalars(select(Conversation))}
    assert found == {set_id: "finished", SHIPPED: "active"}


def test_the_keyword_of_the_set_being_answered_is_an_answer_like_any_other(twilio, runtime):
    ai(runtime, "Which two letters worry you most?", "Why?")
    for body in ("AI", "yes"):
        replies(twilio.text(body))
    assert replies(twilio.text("AI")) == ["Question 2 of 2: Why?"]
    assert answers(runtime)[-1] == ("ai-and-us", 1, "q1", "AI")


def test_with_no_set_open_a_texter_is_told_kindly_and_their_words_are_kept(twilio, runtime):
    close(runtime, SHIPPED)
    assert replies(twilio.text("hello")) == [
        "Thank you for getting in touch with Over a Brew. There are no questions to answer "
        "just now. We have kept your message."]


def test_nobody_reaches_a_set_before_it_is_published(twilio, runtime):
    write(runtime, "AI and us", "What do you use AI for?")  # a draft, never published
    assert "5 short questions" in replies(twilio.text("AI"))[0]  # just words to the default


def test_a_word_that_answers_what_we_just_asked_wins_over_a_keyword(twilio, runtime):
    write(runtime, "Delete the past", "What would you delete?", keyword="DELETE")
    replies(twilio.text("hello"))
    [asked] = replies(twilio.text("delete my data"))
    assert "reply DELETE today" in asked
    [done] = replies(twilio.text("DELETE"))
    assert "deleting" in done  # the erasure is confirmed, not the set started
    assert "1 short questions" in replies(twilio.text("delete", sender=OTHER))[0]
