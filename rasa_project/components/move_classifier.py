"""MoveClassifier: one linear model per trainee move, because a reply carries several moves.

Rasa's multi-intent support trains every combination ("apology+empathy") as a class of its
own, so a combination nobody wrote examples for can never be predicted, and DIET takes minutes
to train on two cores. Moves are labels of a multi-label problem (../shared/moves.md: "a reply
usually carries several moves"), so this component fits one logistic regression per move
(binary relevance): an "apology+empathy" example is a positive example of both moves. The
ranking it emits holds each move with its own probability; `scoring.analysis` reads every move
above its floor, not only the top one.

Features are the sparse sentence features of the featurizers before it (word and char n-gram
counts), re-weighted as sublinear TF-IDF and L2-normalised here, so long and short replies
weigh alike. Training takes seconds; inference is one sparse matrix product.

The fitted weights are stored as plain numpy arrays (no pickle).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class MoveClassifier(IntentClassifier, GraphComponent):
    """Multi-label move classifier: an independent probability for every intent label."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # inverse regularisation strength of each per-move logistic regression
            "C": 10.0,
            # label names are split on this symbol into the moves they carry
            "intent_split_symbol": "+",
            "max_iter": 2000,
            "random_state": 42,
            # how much a move's examples weigh against the rest: "sqrt" (the square root of
            # the others-to-move ratio) or "balanced" (the whole ratio). Balanced weights
            # inflate every move's probability; with sqrt, replies written by kind people
            # (ESConv supporters) got a negative move 30 % less often, at equal accuracy
            "positive_weight": "sqrt",
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        labels: list[str] | None = None,
        idf: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        bias: np.ndarray | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.labels = labels or []
        self.idf = idf
        self.weights = weights  # (features, labels)
        self.bias = bias  # (labels,)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MoveClassifier:
        return cls(config, model_storage, resource)

    # --- features --------------------------------------------------------------------------

    @staticmethod
    def _counts(messages: list[Message]) -> scipy.sparse.csr_matrix:
        """The featurizers' sparse sentence features of each message side by side, one row each.

        The same matrix as stacking `message.get_sparse_features(TEXT)` rows (features in the
        order the featurizers added them), built in one go: Rasa's per-message combination
        (a deep copy and a scipy hstack per featurizer, sequence features too) cost a third of
        the parse time.
        """
        data: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        width = None
        for i, message in enumerate(messages):
            offset = 0
            for feature in message.features:
                if not (
                    feature.attribute == TEXT
                    and feature.type == FEATURE_TYPE_SENTENCE
                    and feature.is_sparse()
                ):
                    continue
                block = feature.features.tocoo()
                data.append(block.data)
                rows.append(np.full(block.nnz, i, dtype=np.int64))
                cols.append(block.col.astype(np.int64) + offset)
                offset += block.shape[1]
            if offset == 0:
                raise ValueError("MoveClassifier needs a sparse featurizer before it")
            if width is not None and offset != width:
                raise ValueError("messages carry sparse features of different sizes")
            width = offset
        return scipy.sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(messages), width),
        )

    def _weigh(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        """Sublinear TF-IDF, rows L2-normalised.

        One reply (what the server parses, one message at a time) is weighed on its arrays by
        `_weigh_row`, with the same floating-point operations in the same order as the matrix
        operations below, so the same bits come out (~0.5 ms less per parse: the sparse
        operations cost far more than their arithmetic on ~100 non-zeros)."""
        if counts.shape[0] == 1 and counts.nnz and counts.has_canonical_format:
            return self._weigh_row(counts)
        return self._weigh_matrix(counts)

    def _weigh_row(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        """`_weigh_matrix` of a one-row matrix in canonical form (sorted, unique columns).

        Step by step as scipy computes it there: the element-wise product with the idf row keeps
        the row's order; the squared norm is `np.add.reduceat` over the row (scipy's row sum);
        the product with the diagonal matrix of 1/norm multiplies each value once and lists the
        columns in reverse (sparsetools' csr_matmat), the order in which `x @ weights` then sums
        them."""
        data = counts.data.astype(np.float64)
        data = 1.0 + np.log(np.maximum(data, 1.0))
        data = np.multiply(data, self.idf[counts.indices])
        norms = np.sqrt(np.add.reduceat(np.multiply(data, data), np.zeros(1, dtype=np.intp)))
        norms[norms == 0] = 1.0
        scale = 1.0 / norms
        data = scale[0] * data[::-1]
        return scipy.sparse.csr_matrix(
            (
                data,
                counts.indices[::-1].copy(),
                np.array([0, len(data)], dtype=counts.indptr.dtype),
            ),
            shape=counts.shape,
        )

    def _weigh_matrix(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        """Sublinear TF-IDF, rows L2-normalised (any number of rows)."""
        x = counts.astype(np.float64)
        x.data = 1.0 + np.log(np.maximum(x.data, 1.0))
        x = x.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return scipy.sparse.diags(1.0 / norms) @ x

    # --- training --------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("MoveClassifier: no intent examples, nothing to train")
            return self._resource
        split = self.config["intent_split_symbol"]
        label_sets = [set(e.get(INTENT).split(split)) for e in examples]
        self.labels = sorted(set().union(*label_sets))
        counts = self._counts(examples)
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = np.log((1 + len(examples)) / (1 + document_frequency)) + 1.0
        x = self._weigh(counts)

        self.weights = np.zeros((x.shape[1], len(self.labels)))
        self.bias = np.zeros(len(self.labels))
        for j, label in enumerate(self.labels):
            y = np.fromiter((label in s for s in label_sets), dtype=bool, count=len(examples))
            if self.config["positive_weight"] == "sqrt":
                weight = {False: 1.0, True: float(np.sqrt((~y).sum() / max(y.sum(), 1)))}
            else:
                weight = "balanced"
            model = LogisticRegression(
                C=self.config["C"],
                class_weight=weight,
                max_iter=self.config["max_iter"],
                random_state=self.config["random_state"],
            )
            model.fit(x, y)
            self.weights[:, j] = model.coef_[0]
            self.bias[j] = model.intercept_[0]
        self.persist()
        return self._resource

    # --- inference -------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        if self.weights is None or not messages:
            return messages
        x = self._weigh(self._counts(messages))
        probabilities = 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))
        for message, row in zip(messages, probabilities, strict=True):
            ranking = [
                {"name": self.labels[j], "confidence": float(row[j])} for j in np.argsort(-row)
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    # --- storage ---------------------------------------------------------------------------

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "labels.json").write_text(json.dumps(self.labels), encoding="utf-8")
            np.save(directory / "idf.npy", self.idf)
            np.save(directory / "weights.npy", self.weights)
            np.save(directory / "bias.npy", self.bias)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MoveClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                return cls(
                    config,
                    model_storage,
                    resource,
                    labels=json.loads((directory / "labels.json").read_text(encoding="utf-8")),
                    idf=np.load(directory / "idf.npy"),
                    weights=np.load(directory / "weights.npy"),
                    bias=np.load(directory / "bias.npy"),
                )
        except (ValueError, FileNotFoundError):
            logger.warning("MoveClassifier: no trained weights found; it will predict nothing")
            return cls(config, model_storage, resource)
