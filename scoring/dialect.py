"""Cantonese written forms read as standard Chinese (trainees in Hong Kong and Guangdong write
「唔该」「係」「冇问题」「对唔住」 into otherwise standard Chinese).

The cue rules, the fact matcher and the customer's rules are written in standard Chinese, as
traditional characters are folded to simplified before matching. ``fold`` does the same for
the common Cantonese words: the characters only Cantonese uses (唔 冇 嘅 咗 哋 嚟 睇 佢 喺 嗰 啱 搵
嬲) and a
few words whose characters standard Chinese also uses, only in their Cantonese combinations
(呢個 -> 这个, 係 -> 是 but not in 關係, 而家 -> 现在). Standard Chinese comes out unchanged. The
trainee's words are kept as written; only the reading uses the folded text.

Formal written Chinese (bank-style letters: 「冒昧请教」「此番」「为何」「何时」) and
internet chat spellings (「木有」「好滴」「肿么」「神马」) are folded the same way, to the
everyday words the rules are written in: a trainee who writes 「冒昧请教，您为何此时考虑…」
asks what 「请问，您为什么这时考虑…」 asks.
"""

from __future__ import annotations

import re

#: whole words first (longest first), then single characters
_WORDS = {
    "對唔住": "对不起",
    "对唔住": "对不起",
    "唔該": "麻烦",
    "唔该": "麻烦",
    "唔緊要": "没关系",
    "唔紧要": "没关系",
    "唔使": "不用",
    "係咪": "是不是",
    "系咪": "是不是",
    "啱唔啱": "对不对",
    "得唔得": "行不行",
    "好唔好": "好不好",
    "點解": "为什么",
    "点解": "为什么",
    "點樣": "怎样",
    "点样": "怎样",
    "乜嘢": "什么",
    "咩嘢": "什么",
    "邊個": "谁",
    "边个": "谁",
    "幾時": "什么时候",
    "几时": "什么时候",
    "而家": "现在",
    "搞掂": "搞定",
    "冇問題": "没问题",
    "冇问题": "没问题",
    "話俾我": "告诉我",
    "话俾我": "告诉我",
    "多謝晒": "多谢",
    "多谢晒": "多谢",
}
_CHARS = {
    "唔": "不",
    "冇": "没",
    "嘅": "的",
    "咗": "了",
    "哋": "们",
    "嚟": "来",
    "睇": "看",
    "佢": "他",
    "喺": "在",
    "嗰": "那",
    "啱": "对",
    "搵": "找",
    "揾": "找",
    "嬲": "生气",
    "諗": "想",
    "谂": "想",
    "啲": "些",
    "咩": "什么",
}
#: characters standard Chinese uses too, folded only where Cantonese uses them
_CONTEXT = [
    # 係 is 是 in Cantonese; in traditional standard Chinese it is the 系 of 關係 / 聯係
    (re.compile(r"(?<![關关聯联體体維维派干幹])[係]"), "是"),
    # 呢 + a measure word is 这 (呢个 / 呢台 / 呢款); 呢 alone stays the particle
    (re.compile(r"呢(?=[個个台部件款位間间張张排度次單单份樣样])"), "这"),
    # 俾 is 给 before a person (俾您 / 俾你 / 俾我)
    (re.compile(r"俾(?=[您你我佢他她])"), "给"),
    # 咁 is 这么 / 那么
    (re.compile(r"咁"), "这么"),
    # sentence-final particles with no standard form
    (re.compile(r"[㗎喎啩囉嘞]"), ""),
]
_CANTONESE = re.compile(
    "|".join(re.escape(k) for k in sorted({*_WORDS, *_CHARS}, key=len, reverse=True))
)
#: a quick test: only text with one of these needs folding
_MARKERS = re.compile(
    r"[唔冇嘅咗哋嚟睇佢喺嗰啱搵揾嬲諗谂啲咩係系呢俾咁㗎喎啩囉嘞而點点邊边幾几乜搞多]"
)


#: formal written and chat spellings -> everyday words (longest first; no single characters,
#: so 何 of 如何 and 此 of 因此 stay as they are)
_REGISTER = {
    "冒昧请教一下": "请问",
    "冒昧请教": "请问",
    "冒昧地请教": "请问",
    "冒昧请问": "请问",
    "冒昧问一下": "请问",
    "烦请问": "请问",
    "敢问": "请问",
    "请教一下": "请问",
    "此番": "这次",
    "此次": "这次",
    "此时": "这时",
    "此刻": "这时",
    "此事": "这事",
    "此款": "这款",
    "为何": "为什么",
    "因何": "为什么",
    "何故": "为什么",
    "何时": "什么时候",
    "何日": "哪天",
    "何处": "哪里",
    "何种": "什么",
    "何事": "什么事",
    "木有": "没有",
    "米有": "没有",
    "好滴": "好的",
    "是滴": "是的",
    "对滴": "对的",
    "肿么": "怎么",
    "神马": "什么",
    "啥子": "什么",
    "酱紫": "这样子",
    "介个": "这个",
    "阔以": "可以",
    "素不素": "是不是",
    # traditional spellings of the same
    "冒昧請教": "请问",
    "冒昧請問": "请问",
    "煩請問": "请问",
    "請教一下": "请问",
    "為何": "为什么",
    "何時": "什么时候",
    "何處": "哪里",
    "何種": "什么",
    "此時": "这时",
    "肿麼": "怎么",
    "腫麼": "怎么",
    "神馬": "什么",
}
#: 何 and 此 begin longer words too (任何时候, 如何处理, 因此时间): not there
_REGISTER_AFTER = {"何": "(?<![任如几奈])", "此": "(?<![因如彼从就借于])"}
_REGISTER_RE = re.compile(
    "|".join(
        _REGISTER_AFTER.get(k[0], "") + re.escape(k)
        for k in sorted(_REGISTER, key=len, reverse=True)
    )
)


def fold_register(text: str) -> str:
    """``text`` with formal written and chat spellings replaced by everyday words ("为何" ->
    "为什么", "木有" -> "没有")."""
    return _REGISTER_RE.sub(lambda m: _REGISTER[m.group(0)], text) if text else text


def fold(text: str) -> str:
    """``text`` with Cantonese written forms, formal written and chat spellings replaced by their
    standard everyday Chinese ones."""
    if not text:
        return text
    text = fold_register(text)
    if not _MARKERS.search(text):
        return text
    out = _CANTONESE.sub(lambda m: _WORDS.get(m.group(0)) or _CHARS[m.group(0)], text)
    for pattern, repl in _CONTEXT:
        out = pattern.sub(repl, out)
    return out
