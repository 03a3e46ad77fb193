"""Questions are answered by what they ask (personas.listening): the alternatives of a choice,
the fault asked for, and a word only another fact says.

- "Is the X a A or a B?" offers A and B; the X is what the choice is about. When no fact is about
  A or B, the scenario does not cover it: no fact is drawn out.
- "是什么问题/故障/现象？" asks for the fault: the problem fact answers it, whatever words set
  the scene (a place at home that a need also mentions).
- When the runner-up fact says a word of the question that the best fact neither is cued by nor
  says, which one is meant is not plain: the customer asks back rather than tell the wrong fact.
Sentences are our own, not the probes'."""

from __future__ import annotations

from personas import PersonaLibrary, listening


def _ids(text: str, persona) -> list[str]:
    return [m.fact_id for m in listening.match_facts(text, persona)]


def test_a_choice_between_things_no_fact_is_about_draws_no_fact(library: PersonaLibrary) -> None:
    solar = library.get("doubtful_en_solar_quote")
    assert _ids("Are your roof tiles clay or concrete?", solar) == []
    vacuum = library.get("angry_en_vacuum_broken")
    assert _ids("Did you get the silver one or the black one?", vacuum) == []


def test_a_choice_whose_alternative_a_fact_is_about_still_draws_it(
    library: PersonaLibrary,
) -> None:
    sofa = library.get("female_en_sofa")
    ids = _ids("Is the sofa for a big room or a small room?", sofa)
    assert ids and ids[0] == "room"


def test_a_question_for_the_fault_draws_the_problem_not_a_need(library: PersonaLibrary) -> None:
    broadband = library.get("angry_zh_broadband_outage")
    ids = _ids("您家里现在网络出的是什么问题？", broadband)
    assert ids and ids[0] == "problem"


def test_the_focus_of_a_what_problem_question_survives_the_stop_character() -> None:
    assert "现象" in listening._focus("请问具体是什么问题现象？")


def test_a_word_only_the_runner_up_says_makes_the_question_unclear(
    library: PersonaLibrary,
) -> None:
    phone = library.get("silent_zh_phone_for_father")
    # 家人 sets the scene (the user), 视频 is only in what the need says
    assert _ids("您家里人平时会用手机跟家人视频聊天吗？", phone) != ["user"]
    assert "user" not in _ids("您家里人平时会用手机跟家人视频聊天吗？", phone)[:1]


def test_a_yes_no_offer_of_an_extra_is_not_an_open_invitation(library: PersonaLibrary) -> None:
    phone = library.get("silent_zh_phone_for_father")
    assert not listening.is_open("要不要帮您加一个手机壳？", phone)
    sofa = library.get("female_en_sofa")
    assert not listening.is_open("Would you like a throw to go with it?", sofa)
    # still open: asking whether there is anything else to tell or to do
    assert listening.is_open("还有什么需要我帮您的吗？", phone)
    assert listening.is_open("What else would you like to tell me?", sofa)
