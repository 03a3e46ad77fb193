"""Every text the Telegram bot shows, in Chinese and English; ``t`` picks the trainee's language.

Texts are HTML (the bot's default parse mode): placeholders filled from user data are escaped by
the caller with ``escape_html``.
"""

from __future__ import annotations

from html import escape

from bot_gateway.labels import catalogue_labels

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"  # the gateway's default interface language for a new trainee

TEXTS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ registration
    "welcome": {
        "zh": "你好，{name}！欢迎来到 Counterpart 客服对练。\n"
        "你将扮演客服，和模拟顾客对话，每条回复都会得到分析和评分。",
        "en": "Hi {name}! Welcome to Counterpart customer-service practice.\n"
        "You play the service agent against simulated customers; every reply is analysed "
        "and rated.",
    },
    "joined_cohort": {
        "zh": "你已加入培训班：<b>{cohort}</b>。",
        "en": "You joined the cohort <b>{cohort}</b>.",
    },
    "ask_code": {
        "zh": "如果培训师给了你邀请码，现在发给我（或稍后用 /join 邀请码）。不需要的话发 /skip。",
        "en": "If your trainer gave you an invite code, send it now (or later with /join CODE). "
        "Send /skip if you have none.",
    },
    "ask_name": {
        "zh": "请问怎么称呼你？发一条消息告诉我你的名字。",
        "en": "What should I call you? Send me your name.",
    },
    "bad_name": {
        "zh": "名字需要 1 到 60 个字符，请再发一次。",
        "en": "A name has 1 to 60 characters; please send it again.",
    },
    "skipped_code": {
        "zh": "好的，没有邀请码也可以练习。",
        "en": "Fine, you can practise without an invite code.",
    },
    "join_usage": {
        "zh": "用法：/join 邀请码",
        "en": "Usage: /join CODE",
    },
    "next_steps": {
        "zh": "发送 /practice 选择一位顾客开始练习，/help 查看全部命令。",
        "en": "Send /practice to choose a customer and start, /help for all commands.",
    },
    # ------------------------------------------------------------------ persona choice
    "choose_language": {
        "zh": "选择顾客使用的语言：",
        "en": "Which language does the customer speak?",
    },
    "choose_type": {
        "zh": "选择顾客类型，或按难度筛选：",
        "en": "Choose a type of customer, or filter by difficulty:",
    },
    "choose_persona": {
        "zh": "选择一位顾客：",
        "en": "Choose a customer:",
    },
    "choose_mode": {
        "zh": "<b>{name}</b>（{type}，{difficulty}）\n{description}\n\n选择模式：",
        "en": "<b>{name}</b> ({type}, {difficulty})\n{description}\n\nChoose a mode:",
    },
    "no_personas": {
        "zh": "没有符合条件的顾客，换个条件试试。",
        "en": "No customer matches; try another choice.",
    },
    "starting": {
        "zh": "开始{mode}：<b>{name}</b>。你是客服，顾客先开口。",
        "en": "Starting {mode} with <b>{name}</b>. You are the agent; the customer speaks first.",
    },
    "button_back": {"zh": "« 返回", "en": "« Back"},
    "button_lang_zh": {"zh": "中文顾客", "en": "Chinese-speaking"},
    "button_lang_en": {"zh": "英文顾客", "en": "English-speaking"},
    "mode_practice": {"zh": "练习（每条回复后有提示）", "en": "Practice (a hint after each reply)"},
    "mode_assessment": {"zh": "考核（结束时才评分）", "en": "Assessment (scored at the end only)"},
    "mode_name_practice": {"zh": "练习", "en": "practice"},
    "mode_name_assessment": {"zh": "考核", "en": "assessment"},
    # ------------------------------------------------------------------ conversation
    "hint": {"zh": "💡 提示：{hint}", "en": "💡 Hint: {hint}"},
    "hint_with_score": {
        "zh": "💡 提示（本条回复 {score} 分）：{hint}",
        "en": "💡 Hint (this reply: {score}/100): {hint}",
    },
    "hint_assessment": {
        "zh": "考核模式没有提示，结束后会看到完整评分。",
        "en": "Assessment mode has no hints; you will see the full scorecard at the end.",
    },
    "retry_nothing": {
        "zh": "没有等待发送的回复。",
        "en": "No reply is waiting to be delivered.",
    },
    # ------------------------------------------------------------------ scorecard
    "scorecard_title": {"zh": "📋 <b>评分卡</b>", "en": "📋 <b>Scorecard</b>"},
    "overall": {"zh": "总分：<b>{score}</b>/100", "en": "Overall: <b>{score}</b>/100"},
    "outcome": {"zh": "结果：{outcome}", "en": "Outcome: {outcome}"},
    "dimensions": {"zh": "<b>各项得分</b>", "en": "<b>Dimensions</b>"},
    "five_steps": {"zh": "<b>五步法</b>", "en": "<b>Five steps</b>"},
    "five_steps_order": {
        "zh": "（顺序 {mark}）",
        "en": "(order {mark})",
    },
    "strengths": {"zh": "<b>做得好的</b>", "en": "<b>Strengths</b>"},
    "improvements": {"zh": "<b>可以改进的</b>", "en": "<b>To improve</b>"},
    "no_scorecard": {
        "zh": "这次对话没有评分卡（没有可评分的回复）。",
        "en": "No scorecard for this conversation (no rated replies).",
    },
    # ------------------------------------------------------------------ history
    "history_title": {"zh": "<b>最近的练习</b>", "en": "<b>Recent sessions</b>"},
    "history_empty": {
        "zh": "还没有练习记录。发送 /practice 开始第一次练习。",
        "en": "No sessions yet. Send /practice to start your first one.",
    },
    "history_line": {
        "zh": "{date} · {name} · {mode} · {status} · {turns} 轮 · {score}",
        "en": "{date} · {name} · {mode} · {status} · {turns} turns · {score}",
    },
    # ------------------------------------------------------------------ settings & help
    "choose_interface": {"zh": "选择界面语言：", "en": "Choose the interface language:"},
    "lang_set": {"zh": "界面语言已设为中文。", "en": "The interface is now in English."},
    "help": {
        "zh": "<b>Counterpart 客服对练</b>\n"
        "/start — 注册（可带邀请码）\n"
        "/join 邀请码 — 加入培训班\n"
        "/practice — 选择顾客，开始练习或考核\n"
        "/hint — 获取提示（练习模式）\n"
        "/end — 结束对话，查看评分卡和情绪曲线\n"
        "/retry — 重发未送达的回复\n"
        "/history — 最近的练习\n"
        "/lang — 切换界面语言\n"
        "/help — 本帮助\n\n"
        "对话中直接用文字回复顾客。",
        "en": "<b>Counterpart customer-service practice</b>\n"
        "/start — register (optionally with an invite code)\n"
        "/join CODE — join a cohort\n"
        "/practice — choose a customer, practice or assessment\n"
        "/hint — get a hint (practice mode)\n"
        "/end — end the conversation: scorecard and mood chart\n"
        "/retry — resend a reply that was not delivered\n"
        "/history — recent sessions\n"
        "/lang — interface language\n"
        "/help — this help\n\n"
        "During a conversation, just type your reply to the customer.",
    },
    "unknown_command": {
        "zh": "没有这个命令。发送 /help 查看可用命令。",
        "en": "I don't know that command. Send /help to see what I understand.",
    },
    "non_text": {
        "zh": "抱歉，我只能处理文字消息。贴纸、图片、语音和文件都无法分析，请用文字回复顾客。",
        "en": "Sorry, I can only work with text. Stickers, photos, voice messages and files "
        "can't be analysed, so please type your reply to the customer.",
    },
    # ------------------------------------------------------------------ errors
    "customer_unavailable_reply": {
        "zh": "模拟顾客暂时无法回应。你的回复已保存，恢复后会自动送达（发送 /retry 或继续输入）。",
        "en": "The simulated customer can't answer right now. Your reply is saved and will be "
        "delivered when they are back (send /retry, or just keep typing).",
    },
    "customer_unavailable": {
        "zh": "模拟顾客暂时无法回应，请稍后再试。",
        "en": "The simulated customer is not reachable right now. Please try again in a moment.",
    },
    "unexpected_error": {
        "zh": "出了点问题，请稍后再试。",
        "en": "Something went wrong on our side. Please try again in a moment.",
    },
    # ConversationError codes of the conversation service
    "error_empty": {
        "zh": "回复是空的，请输入文字。",
        "en": "The reply is empty; please type something.",
    },
    "error_too_long": {
        "zh": "回复太长了，请控制在 {limit} 字以内。",
        "en": "The reply is too long; keep it under {limit} characters.",
    },
    "error_unknown_cohort": {
        "zh": "邀请码无效，请向培训师核对后再发一次（或发 /skip）。",
        "en": "That invite code is not valid. Check it with your trainer and send it again "
        "(or /skip).",
    },
    "error_unknown_persona": {
        "zh": "找不到这位顾客，请发送 /practice 重新选择。",
        "en": "That customer no longer exists; send /practice to choose again.",
    },
    "error_bad_mode": {
        "zh": "模式只能是练习或考核。",
        "en": "The mode must be practice or assessment.",
    },
    "error_unknown_session": {
        "zh": "找不到这次练习，请发送 /practice 开始新的练习。",
        "en": "That practice session was not found; send /practice to start a new one.",
    },
    "error_busy": {
        "zh": "上一条回复还在等顾客回应；这条没有保存，请稍后再发一次。",
        "en": "The previous reply is still waiting for the customer; this one was not saved. "
        "Send it again in a moment.",
    },
    "error_ended": {
        "zh": "这次练习已经结束。发送 /practice 开始新的练习。",
        "en": "This practice session has ended. Send /practice to start a new one.",
    },
    "error_no_session": {
        "zh": "现在没有进行中的练习。发送 /practice 选择一位顾客。",
        "en": "No practice is running. Send /practice to choose a customer.",
    },
    "error_unknown_trainee": {
        "zh": "请先发送 /start 注册。",
        "en": "Please send /start first to register.",
    },
    "error_bad_language": {
        "zh": "界面语言只能是中文或英文。",
        "en": "The interface language must be Chinese or English.",
    },
    "error_other": {
        "zh": "无法完成：{message}",
        "en": "That didn't work: {message}",
    },
}

# The command menu Telegram shows next to the text box (setMyCommands), per language.
COMMANDS: dict[str, dict[str, str]] = {
    "practice": {"zh": "选择顾客，开始练习或考核", "en": "choose a customer and start"},
    "hint": {"zh": "获取提示（练习模式）", "en": "get a hint (practice mode)"},
    "end": {"zh": "结束对话，查看评分卡", "en": "end the conversation, see the scorecard"},
    "history": {"zh": "最近的练习", "en": "recent sessions"},
    "lang": {"zh": "切换界面语言", "en": "interface language"},
    "help": {"zh": "帮助", "en": "help"},
}

# The rubric's vocabulary is named in the guidelines catalogue (bot_gateway.labels); these are
# the bot's own: the persona library's difficulties, session states and modes.
LABELS: dict[str, dict[str, dict[str, str]]] = {
    "difficulty": {
        "easy": {"zh": "简单", "en": "easy"},
        "medium": {"zh": "中等", "en": "medium"},
        "hard": {"zh": "困难", "en": "hard"},
    },
    "status": {
        "active": {"zh": "进行中", "en": "active"},
        "ended": {"zh": "已结束", "en": "ended"},
        "abandoned": {"zh": "已放弃", "en": "abandoned"},
    },
    "mode": {
        "practice": {"zh": "练习", "en": "practice"},
        "assessment": {"zh": "考核", "en": "assessment"},
    },
}
#: label kinds the guidelines catalogue names, and their section there
CATALOGUE_KINDS = {
    "type": "persona_types",
    "dimension": "dimensions",
    "step": "steps",
    "outcome": "outcomes",
}


def escape_html(text: object) -> str:
    """Text safe inside a Telegram HTML message (quotes need no escaping outside attributes)."""
    return escape(str(text), quote=False)


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


def lang_from_telegram(language_code: str | None) -> str:
    """A new trainee's interface language from their Telegram app's language."""
    if not language_code:
        return DEFAULT_LANG
    return "zh" if language_code.lower().startswith("zh") else "en"


def t(key: str, lang: str | None, **values: object) -> str:
    text = TEXTS[key][normalize_lang(lang)]
    return text.format(**values) if values else text


def label(kind: str, value: str | None, lang: str | None, *, short: bool = True) -> str:
    """A localised name for a persona type, step, dimension …; unknown values show as they are.

    Names from the guidelines catalogue come in their short form (a phone's narrow lines) unless
    `short` is False.
    """
    if kind in CATALOGUE_KINDS:
        section = CATALOGUE_KINDS[kind]
        return catalogue_labels().label(section, value, normalize_lang(lang), short=short)
    if value is None:
        return "—"
    names = LABELS.get(kind, {}).get(value)
    return names[normalize_lang(lang)] if names else value.replace("_", " ")
