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


def test_one_reply_is_weighed_to_the_same_bits_as_the_matrix_way() -> None:
    """The server weighs one reply at a time on its arrays (`_weigh_row`): every value of the
    weighted row and every move's probability is the same float as scipy's matrix operations
    give (`_weigh_matrix`), summed in the same order."""
    rng = np.random.default_rng(11)
    width, moves = 400, 23
    classifier = MoveClassifier(
        {},
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        labels=[f"move{j}" for j in range(moves)],
        idf=1.0 + rng.random(width) * 6,
        weights=rng.normal(size=(width, moves)) * 3,
        bias=rng.normal(size=moves),
    )
    for nnz in [1, 2, 7, 40, 120, 400]:
        for _ in range(20):
            columns = np.sort(rng.choice(width, size=nnz, replace=False))
            counts = scipy.sparse.csr_matrix(
                (rng.integers(1, 6, size=nnz).astype(np.float64), (np.zeros(nnz), columns)),
                shape=(1, width),
            )
            assert counts.has_canonical_format
            fast, slow = classifier._weigh(counts), classifier._weigh_matrix(counts)
            assert fast.shape == slow.shape
            assert np.array_equal(fast.toarray(), slow.toarray())
            logits = [x @ classifier.weights + classifier.bias for x in (fast, slow)]
            assert np.array_equal(logits[0], logits[1])


def test_several_rows_and_an_empty_row_take_the_matrix_way() -> None:
    classifier = MoveClassifier(
        {}, None, None, labels=["a"], idf=np.ones(3), weights=np.ones((3, 1)), bias=np.zeros(1)
    )  # type: ignore[arg-type]
    two = scipy.sparse.csr_matrix(np.array([[1.0, 0, 2.0], [0, 3.0, 0]]))
    assert np.allclose(classifier._weigh(two).toarray(), classifier._weigh_matrix(two).toarray())
    empty = scipy.sparse.csr_matrix((1, 3))
    assert classifier._weigh(empty).nnz == 0
