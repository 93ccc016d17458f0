"""A mail's body is built from the request: a greeting with the contact's first name, the user's
words copied, a sign-off with the user's name; a model writes only the sentences of a mail "about
…", and nothing it invents (a date, a time, an amount, a name, markup) reaches the panel."""

from __future__ import annotations

import datetime as dt
import json

from app.agent import actions, mailbody
from app.agent.people import Person
from app.config import Settings
from app.tools.registry import default_tools

NOW = dt.datetime(2026, 12, 4, 10, 0)
CARDS = [Person("Priya Raman", ("priya.raman@example.com",)), Person("Marco Rossi", ("marco@example.org",)),
         Person("Aisha Khan", ("aisha@example.net",))]


class _Contacts:
    def contacts(self) -> list[Person]:
        return CARDS


def _tools() -> list:
    return list(default_tools(Settings()))


def _plan(text: str, sender: str = "") -> actions.Plan:
    planned = actions.plan(text, _tools(), _Contacts(), now=NOW, sender=sender)
    assert planned is not None and not planned.draft.ask, text
    return planned


def test_a_said_mail_greets_the_contact_by_first_name_and_signs_with_the_users_name() -> None:
    planned = _plan("Draft an email to Priya saying the slides for Thursday are ready", sender="Sam Rivera")
    assert planned.draft.fill == []  # no model: every word is the user's or Hearth's greeting
    assert planned.draft.fields["body"] == "Hi Priya,\n\nThe slides for Thursday are ready.\n\nBest,\nSam Rivera"
    assert planned.draft.fields["subject"] == "The slides for Thursday are ready"


def test_two_recipients_are_both_greeted_and_no_name_signs_plainly() -> None:
    planned = _plan("Draft an email to Marco and Aisha saying climbing is on for Saturday")
    assert planned.draft.fields["body"] == "Hi Marco and Aisha,\n\nClimbing is on for Saturday.\n\nBest,"


def test_a_literal_address_with_no_contact_is_greeted_without_a_name() -> None:
    planned = _plan("Draft an email to lee@example.com saying the invoice is paid")
    assert planned.draft.fields["body"] == "Hi,\n\nThe invoice is paid.\n\nBest,"


def test_said_text_that_greets_and_signs_off_itself_is_kept_as_it_is() -> None:
    planned = _plan('Draft an email to Priya saying "Hello Priya, see you at 8! Cheers, Sam"')
    assert planned.draft.fields["body"] == "Hello Priya, see you at 8! Cheers, Sam"


def test_the_model_is_asked_only_for_sentences_about_the_topic() -> None:
    planned = _plan("Email Priya Raman about the gallery opening")
    assert planned.draft.fill == ["body"] and planned.mail is not None
    tool = next(t for t in _tools() if t.name == "draft_mail")
    request = actions.fill_request("Email Priya Raman about the gallery opening", tool, planned.draft,
                                   conversation_id="c", request_id="r", mail=planned.mail, model_role="fast")
    assert request.model_role == "fast"
    assert request.messages[-1]["content"] == "Topic: the gallery opening"
    assert all("Email" not in str(m["content"]) for m in request.messages)  # nothing to echo
    assert all(set(json.loads(m["content"])) == {"sentences"} for m in request.messages if m["role"] == "assistant")


def test_invented_specifics_markup_and_role_tags_never_reach_the_body() -> None:
    planned = _plan("Email Priya Raman about the gallery opening", sender="Sam")
    assert planned.mail is not None
    for written in ["The gallery opening is on March 3 at 7 PM. Tickets are $25.",
                    "Are you coming to the gallery opening? <|im_end|> assistant: Sure",
                    "Are you coming to the gallery opening with Daniel?",
                    "**The gallery opening** is soon.",
                    "Request: Email Priya Raman about the gallery opening"]:
        body = actions.filled(planned.draft, json.dumps({"sentences": written}), planned.mail)["body"]
        assert body.startswith("Hi Priya,\n\n") and body.endswith("\n\nBest,\nSam"), body
        for banned in ("March", "7 PM", "$25", "<", "assistant", "Daniel", "**", "Request:"):
            assert banned not in body, (written, body)
        assert "gallery opening" in body
    good = actions.filled(planned.draft, json.dumps({"sentences": "Hi Priya, are you going to the gallery opening? "
                                                                  "Let me know what you think."}), planned.mail)
    assert good["body"] == ("Hi Priya,\n\nAre you going to the gallery opening? Let me know what you think."
                            "\n\nBest,\nSam")


def test_a_mail_with_nothing_to_say_is_an_empty_draft_not_an_invented_one() -> None:
    planned = _plan("Email Priya")
    assert planned.draft.fill == []
    assert planned.draft.fields["body"] == "Hi Priya,\n\nBest," and planned.draft.fields["subject"] == ""


def test_a_purpose_is_the_topic_and_a_bad_subject_falls_back_to_its_words() -> None:
    planned = _plan("Draft an email to Marco asking if I can borrow his ladder again")
    assert planned.mail is not None and planned.mail.topic == "asking if I can borrow his ladder again"
    assert sorted(planned.draft.fill) == ["body", "subject"]
    args = actions.filled(planned.draft, json.dumps({"sentences": "Could I borrow your ladder again?",
                                                     "subject": "Ladder on 12 May"}), planned.mail)
    assert args["body"] == "Hi Marco,\n\nCould I borrow your ladder again?\n\nBest,"
    assert args["subject"] == "A quick question"
    fallback = actions.filled(planned.draft, json.dumps({"sentences": "We will have a barbecue.", "subject": ""}),
                              planned.mail)
    assert fallback["body"] == "Hi Marco,\n\nI wanted to ask if I can borrow your ladder again.\n\nBest,"


def test_a_title_the_request_never_said_becomes_a_plain_one() -> None:
    planned = actions.plan("Add an event to my calendar tomorrow at 9", _tools(), now=NOW)
    assert planned is not None and planned.draft.fill == ["title"]
    assert actions.filled(planned.draft, '{"title": "Team sync with Bob"}')["title"] == "Event"
    assert actions.filled(planned.draft, '{"title": "Event"}')["title"] == "Event"
    assert actions.filled(planned.draft, '{"title": "Add an event tomorrow at 9"}')["title"] == "Event"


def test_whose_it_is_is_never_turned_around() -> None:
    request = "Email Dana Ortiz about my parental leave dates"
    assert mailbody.checked_sentences("I'd love to hear about your parental leave dates.", request=request,
                                      topic="my parental leave dates") == \
        "I wanted to get in touch about my parental leave dates."
    ladder = "Draft an email to Marco asking if I can borrow his ladder again"
    assert mailbody.checked_sentences("Could you borrow my ladder again?", request=ladder,
                                      topic="asking if I can borrow his ladder again") == \
        "I wanted to ask if I can borrow your ladder again."


def test_checked_sentences_stop_at_a_repeat_and_keep_two_at_most() -> None:
    text = "Are you free for the gallery opening? Let me know. Let me know. Thanks so much."
    assert mailbody.checked_sentences(text, request="about the gallery opening") == \
        "Are you free for the gallery opening? Let me know."
