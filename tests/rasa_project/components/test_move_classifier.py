"""components.move_classifier: its feature matrix is the one Rasa's own combination gives."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from components.move_classifier import MoveClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

WIDTHS = {"RegexFeaturizer": 3, "CountVectorsFeaturizer_word": 7, "CountVectorsFeaturizer_char": 11}


def _message(rng: np.random.Generator, tokens: int) -> Message:
    message = Message(data={TEXT: "x"})
    for origin, width in WIDTHS.items():
        sentence = scipy.sparse.random(1, width, density=0.4, random_state=rng, format="coo")
        sentence.data = np.round(sentence.data * 5) + 1
        sequence = scipy.sparse.random(tokens, width, density=0.3, random_state=rng, format="coo")
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, origin))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, origin))
    return message


def test_counts_equal_rasas_combined_sentence_features() -> None:
    rng = np.random.default_rng(3)
    messages = [_message(rng, tokens) for tokens in (1, 4, 9, 2)]
    expected = np.vstack(
        [message.get_sparse_features(TEXT)[1].features.toarray() for message in messages]
    )
    got = MoveClassifier._counts(messages)
    assert got.shape == (4, sum(WIDTHS.values()))
    assert np.array_equal(got.toarray(), expected)


def test_counts_refuse_messages_without_sparse_features() -> None:
    with pytest.raises(ValueError, match="sparse featurizer"):
        MoveClassifier._counts([Message(data={TEXT: "x"})])
