"""scoring.reply_scores: per-reply empathy and politeness that rank replies as people do.

The labelled sets are the team's own graded sentences (scoring/calibration/reply_ratings_*.yml);
the same ids in both files are equivalents, which must land on the same scale. Agreement with
independent raters is measured by rasa_project/batch/eval_ratings.py (`make eval-moves`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring import reply_scores
from scoring.analysis import analyze
from scoring.calibration.calibrate import spearman

CALIBRATION = Path(reply_scores.__file__).parent / "calibration"
DIMENSIONS = ("empathy", "politeness")


def _labelled(lang: str) -> list[dict[str, Any]]:
    with open(CALIBRATION / f"reply_ratings_{lang}.yml", encoding="utf-8") as fh:
        items: list[dict[str, Any]] = yaml.safe_load(fh)
    return items


@pytest.fixture(scope="module")
def scored() -> dict[str, dict[str, tuple[dict[str, Any], dict[str, float]]]]:
    """lang -> id -> (labelled item, scores from the analysis without NLU)."""
    return {
        lang: {
            item["id"]: (item, analyze(item["text"], lang)["scores"]) for item in _labelled(lang)
        }
        for lang in ("en", "zh")
    }


def test_labelled_sets_are_equivalents_with_the_same_labels() -> None:
    en = {item["id"]: item for item in _labelled("en")}
    zh = {item["id"]: item for item in _labelled("zh")}
    assert en.keys() == zh.keys() and len(en) >= 80
    for item_id, item in en.items():
        assert (item["empathy"], item["politeness"]) == (
            zh[item_id]["empathy"],
            zh[item_id]["politeness"],
        ), item_id
    # graded, not binary: every level of both scales is used
    assert {item["empathy"] for item in en.values()} == {0, 1, 2, 3}
    assert {item["politeness"] for item in en.values()} == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("dim", DIMENSIONS)
def test_scores_agree_with_own_graded_labels(scored: Any, lang: str, dim: str) -> None:
    rows = list(scored[lang].values())
    agreement = spearman([item[dim] for item, _ in rows], [scores[dim] for _, scores in rows])
    assert agreement >= 0.8, f"{lang} {dim}: Spearman {agreement:.3f}"


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_zh_and_en_equivalents_get_close_scores(scored: Any, dim: str) -> None:
    gaps = {
        item_id: abs(en_scores[dim] - scored["zh"][item_id][1][dim])
        for item_id, (_, en_scores) in scored["en"].items()
    }
    assert sum(gaps.values()) / len(gaps) <= 0.08
    worst = max(gaps, key=lambda item_id: gaps[item_id])
    assert gaps[worst] <= 0.35, f"{worst}: zh and en differ by {gaps[worst]:.2f} on {dim}"


@pytest.mark.parametrize(
    ("lang", "none", "weak", "strong"),
    [
        (
            "en",
            "The parcel left the warehouse today.",
            "Sorry about that.",
            "I'm so sorry, that sounds exhausting. I'm here for you until it's sorted.",
        ),
        (
            "zh",
            "包裹今天已经从仓库发出了。",
            "不好意思。",
            "真的非常抱歉，听起来您一定很辛苦。我会一直跟进，直到问题解决。",
        ),
    ],
)
def test_empathy_is_graded(lang: str, none: str, weak: str, strong: str) -> None:
    values = [analyze(text, lang)["scores"]["empathy"] for text in (none, weak, strong)]
    assert values[0] == 0.0
    assert values[0] < values[1] < values[2]


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "en",
            [
                "Are you blind? I said send the photo!!",
                "Why haven't you sent the photo yet?",
                "Send the photo.",
                "Could you send me a photo, please?",
                "Hi, sorry to trouble you. Would you mind sending a photo when you get a chance? "
                "Thanks so much!",
            ],
        ),
        (
            "zh",
            [
                "你瞎了吗？我说了发照片！！",
                "你为什么还没发照片？",
                "发照片。",
                "请您发一张照片给我，好吗？",
                "您好，不好意思打扰了，您方便的时候能否发一张照片给我？非常感谢！",
            ],
        ),
    ],
)
def test_politeness_orders_from_insult_to_courtesy(lang: str, texts: list[str]) -> None:
    values = [analyze(text, lang)["scores"]["politeness"] for text in texts]
    assert values == sorted(values) and len(set(values)) == len(values), values
    assert values[0] <= 0.3 and values[-1] >= 0.85


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "The store opens at nine."), ("zh", "商店九点开门。")]
)
def test_a_plain_statement_is_neutral_and_shows_no_emotion(lang: str, text: str) -> None:
    # the base of the scale: neither rude nor courteous (the rubric's polite/impolite lines
    # sit at 0.75 and 0.3), no emotional reaction
    assert analyze(text, lang)["scores"] == {"empathy": 0.0, "politeness": 0.6}


def test_an_intensifier_makes_the_same_cue_count_more() -> None:
    plain = reply_scores.feature_matches("sorry for the wait", "en")["apologising"]
    strong = reply_scores.feature_matches("really sorry for the wait", "en")["apologising"]
    assert strong[0] > plain[0]
    # and a negated cue does not count
    assert "positive" in reply_scores.feature_matches("I am glad it worked", "en")
    assert "positive" not in reply_scores.feature_matches("I am not glad it worked", "en")
    assert "hope" in reply_scores.feature_matches("希望您满意", "zh")
    assert "hope" not in reply_scores.feature_matches("不希望您满意", "zh")


def test_informal_spelling_without_apostrophes_is_read() -> None:
    assert "care" in reply_scores.feature_matches("im always here for you", "en")
    assert "care" in reply_scores.feature_matches("I\u2019m always here for you", "en")


def test_a_lexicon_feature_without_a_weight_is_refused(tmp_path: Path) -> None:
    with open(reply_scores.SCORES_FILE, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    raw["lexicon"]["en"]["features"]["made_up"] = ["xyz"]
    path = tmp_path / "scores.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="made_up"):
        reply_scores.load_model(path)


def test_scores_stay_in_range_and_are_deterministic() -> None:
    text = "THANK YOU!!! thank you thank you, so so sorry, I'm here, hugs <3 " * 5
    first = reply_scores.reply_scores(text, "en", [{"move": "rude", "confidence": 0.99}])
    assert first == reply_scores.reply_scores(text, "en", [{"move": "rude", "confidence": 0.99}])
    assert all(0.0 <= value <= 1.0 for value in first.values())


def test_capitals_count_only_for_shouting() -> None:
    shouted = reply_scores.feature_matches("FIX THIS NOW, I SAID", "en")
    calm = reply_scores.feature_matches("fix this now, i said", "en")
    assert "shouting" in shouted and "shouting" not in calm
    # every other feature reads the reply in lower case
    assert reply_scores.feature_matches("THANK YOU", "en")["gratitude"] == [1.0]
