"""Jieba tokens for the classifier, with the polite and the plain "you" made one word.

The move data says 您 in most polite replies and 你 in most rude ones, so a classifier trained
on it learns the pronoun as a sign of rudeness and calls any question with 你 rude ("你结婚了
吗"). Many agents write 你 in casual chat without being rude. Rudeness is in what a reply says,
so the tokens the featurizers see carry one form; the message text is left as typed, and the
politeness score still counts 您 (scoring/cues/zh.yml).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

#: one character for one character, so token offsets stay right
PLAIN_FORMS = str.maketrans({"您": "你", "妳": "你"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class PronounNeutralJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer whose text tokens (text and lemma) spell 您 and 妳 as 你."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute == TEXT:
            for token in tokens:
                # the featurizers read the lemma (their default), so both change
                token.text = token.text.translate(PLAIN_FORMS)
                token.lemma = token.lemma.translate(PLAIN_FORMS)
        return tokens
