"""Full reading (trained NLU + cues) of supportive phrasing, both languages (session 10,
issue 14: kinds the reading missed on outside emotional-support text).

The feeling named back in more of its forms (empathy), the person affirmed for what they are,
have or did (praise: reassurance family), self-blame denied (reassurance, never rude), general
facts about how things are (inform), a remedy put as what usually works (solution), and "I
understand how you feel" read as empathy, not as a question. Each sentence was written for this
test and is in no training file (rasa_project/data/nlu/support_talk_s10.yml trains the same kinds
in other words); each asserts the family of the primary move.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES, NEGATIVE_MOVES

#: (reply, language, expected family of the primary move)
PRIMARY: dict[str, list[tuple[str, str, str]]] = {
    "feeling_named_back": [
        (
            "I can appreciate how fed up you are with the roadworks outside the shop.",
            "en",
            "empathy",
        ),
        (
            "You're probably worried the deposit won't come back in time for the new flat.",
            "en",
            "empathy",
        ),
        (
            "I'm sure it was upsetting to find the sofa delivered in the wrong colour.",
            "en",
            "empathy",
        ),
        ("I understand your frustration with the app logging you out.", "en", "empathy"),
        (
            "I can understand how you are feeling after the third cancelled appointment.",
            "en",
            "empathy",
        ),
        ("I get that sitting on hold for an hour is maddening.", "en", "empathy"),
        ("听得出来，您对这次的维修特别不放心。", "zh", "empathy"),
        ("我能体会您等了一整天却没人上门的那种憋屈。", "zh", "empathy"),
    ],
    "person_affirmed": [
        ("It takes real strength to keep going with a claim like this.", "en", "reassurance"),
        ("Keeping every receipt shows you really thought ahead.", "en", "reassurance"),
        ("You're being very fair about the mix-up, thank you.", "en", "reassurance"),
        ("You've handled the whole situation with the builders really well.", "en", "reassurance"),
        ("这说明您对家里老人特别上心。", "zh", "reassurance"),
        ("一个人处理这么多事，您真的很坚强。", "zh", "reassurance"),
    ],
    "self_blame_denied": [
        (
            "Forgetting the password doesn't make you stupid, the rules keep changing.",
            "en",
            "reassurance",
        ),
        ("You're not overreacting, a leak like that needs looking at today.", "en", "reassurance"),
        ("忘了密码一点都不傻，这个系统换得太勤了。", "zh", "reassurance"),
    ],
    "how_things_are": [
        ("Train fares usually go up at the start of the year.", "en", "inform"),
        ("Most dentists book check-ups about six months ahead.", "en", "inform"),
        ("一般来说，月底的时候营业厅人最多。", "zh", "inform"),
    ],
    "remedy_that_works": [
        ("Resetting the thermostat to factory settings often fixes the display.", "en", "solution"),
        ("Charging the watch overnight usually sorts the sync problem.", "en", "solution"),
        ("把手机恢复一下网络设置，一般就能连上了。", "zh", "solution"),
    ],
}

CASES = [
    pytest.param(text, lang, family, id=f"{kind}-{i}")
    for kind, rows in PRIMARY.items()
    for i, (text, lang, family) in enumerate(rows)
]


@pytest.mark.parametrize(("text", "lang", "family"), CASES)
def test_the_primary_family_follows_the_definitions(analyse, text, lang, family):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert moves and MOVE_FAMILIES[moves[0]] == family, (text, moves)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Asking again doesn't make you dumb, the letter was confusing.", "en"),
        ("There's no such thing as a stupid question about a mortgage.", "en"),
        ("这不代表您笨，说明书写得太乱了。", "zh"),
    ],
)
def test_a_denied_insult_costs_nothing(analyse, text, lang):
    moves = {m["move"] for m in analyse(text, lang, "")["moves"]}
    assert not moves & set(NEGATIVE_MOVES), moves
