// Counterpart web chat: sign in, pick a customer, talk over a WebSocket, see hints and the scorecard.
// Dimensions, steps, outcomes and persona types are named by the guidelines catalogue
// (GET /api/labels, through labels.js); TEXT holds only the chat's own words.
"use strict";

const TEXT = {
  zh: {
    welcome: "欢迎来练习客户沟通", name: "你的名字", cohort: "班级邀请码（没有可不填）", signin: "进入",
    pick: "选择一位顾客", language: "语言", type: "类型", difficulty: "难度", any: "全部",
    easy: "简单", medium: "中等", hard: "困难", mode: "模式",
    practice: "练习：每句回复后给提示", assessment: "考核：结束后统一评分", start: "开始对话",
    send: "发送", hint: "提示", end: "结束并评分", placeholder: "输入你的回复…",
    result: "练习结果", dimensions: "各项得分", steps: "五步法", strengths: "做得好的",
    improve: "可以改进的", again: "再练一次", history: "记录", back: "返回",
    typing: "顾客正在输入…", reconnecting: "连接中断，正在重连…", toggle: "EN",
    hello: (n) => `你好，${n}`, overall: "总分", outcome: "结果", noHistory: "还没有练习记录。",
    failed: "出错了", open: "进行中", notFinished: "未完成", notObserved: "未观察到",
    errors: {
      empty: "回复是空的，请输入内容。", too_long: "回复太长了，请精简到 2000 字以内。",
      customer_unavailable: "模拟顾客暂时连接不上。你的回复已保存，恢复后会自动发送。",
      ended: "这次练习已经结束。", assessment: "考核模式在结束前不给提示。", unknown_cohort: "邀请码不正确，请向培训师确认。",
      unknown_session: "找不到这次练习，请重新开始。", signed_out: "请先登录。",
      busy: "上一条回复还在等顾客回应；这条没有保存，请稍后再发一次。", bad_request: "这条消息无法识别，请重新输入。",
    },
    kinds: { pre_sales: "售前", after_sales: "售后" },
  },
  en: {
    welcome: "Practise customer conversations", name: "Your name",
    cohort: "Cohort invite code (optional)", signin: "Continue", pick: "Pick a customer",
    language: "Language", type: "Type", difficulty: "Difficulty", any: "Any", easy: "Easy",
    medium: "Medium", hard: "Hard", mode: "Mode", practice: "Practice: a hint after each reply",
    assessment: "Assessment: scored at the end", start: "Start", send: "Send", hint: "Hint",
    end: "End and score", placeholder: "Type your reply…", result: "Result",
    dimensions: "Dimensions", steps: "Five steps", strengths: "What went well",
    improve: "What to improve", again: "Practise again", history: "History", back: "Back",
    typing: "The customer is typing…", reconnecting: "Connection lost, reconnecting…",
    toggle: "中文", hello: (n) => `Hello, ${n}`, overall: "Overall", outcome: "Outcome",
    noHistory: "No practice sessions yet.", failed: "Something went wrong", open: "in progress",
    notFinished: "Not finished", notObserved: "not observed",
    errors: {
      empty: "The reply is empty.", too_long: "The reply is too long; keep it under 2000 characters.",
      customer_unavailable: "The simulated customer is not reachable right now. Your reply is saved and will be delivered when it is back.",
      ended: "This practice session has ended.", assessment: "Assessment mode shows no hints until the end.", unknown_cohort: "That invite code is not valid; check it with your trainer.",
      unknown_session: "This practice session cannot be found; start a new one.", signed_out: "Please sign in.",
      busy: "The previous reply is still waiting for the customer; this one was not saved, send it again in a moment.", bad_request: "That message could not be read; type it again.",
    },
    kinds: { pre_sales: "pre-sales", after_sales: "after-sales" },
  },
};

const $ = (id) => document.getElementById(id);
const state = {
  lang: localStorage.getItem("counterpart.lang") || (navigator.language.startsWith("zh") ? "zh" : "en"),
  me: null, personas: [], selected: null, sessionId: null, mode: "practice", socket: null,
  retries: 0, ended: false, pendingText: null, labels: null,
};
const t = () => TEXT[state.lang];
// the catalogue's name of a dimension, step, outcome or persona type in the current language
const label = (kind, key, options) => CounterpartLabels.labeller(state.labels, state.lang)(kind, key, options);
const outcomeText = (outcome, short = false) => (outcome ? label("outcomes", outcome, { short }) : t().notFinished);

function show(section) {
  for (const id of ["signin", "setup", "chat", "result", "history"]) $(id).hidden = id !== section;
  $("nav-history").hidden = !state.me;
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t()[el.dataset.i18n]; });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t()[el.dataset.i18nPlaceholder]; });
  $("lang-toggle").textContent = t().toggle;
  if (state.me) $("hello").textContent = t().hello(state.me.display_name);
  fillTypes();
  renderPersonas();
}

function errorText(data) {
  return t().errors[data.error || data.code] || data.message || data.detail || t().failed;
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { const error = new Error(errorText(data)); error.status = response.status; throw error; }
  return data;
}

function addMessage(kind, text) {
  const item = document.createElement("li");
  item.className = `msg ${kind}`;
  item.textContent = text;
  $("messages").appendChild(item);
  item.scrollIntoView({ block: "end", behavior: "smooth" });
  return item;
}

// ---------------------------------------------------------------- sign in and persona choice

async function loadLabels() {
  try { state.labels = await api("/api/labels"); } catch { state.labels = null; }  // keys then
}

async function loadMe() {
  try { state.me = await api("/api/me"); } catch { state.me = null; }
  if (!state.me) { show("signin"); return; }
  $("hello").textContent = t().hello(state.me.display_name);
  await loadPersonas();
  show("setup");
}

async function loadPersonas() {
  state.personas = await api("/api/personas");
  fillTypes();
  renderPersonas();
}

function fillTypes() {
  const select = $("filter-type");
  const current = select.value;
  const types = [...new Set(state.personas.map((p) => p.type))].sort();
  select.replaceChildren(new Option(t().any, ""), ...types.map((type) => new Option(label("persona_types", type), type)));
  select.value = current;
}

function renderPersonas() {
  const lang = $("filter-lang").value, type = $("filter-type").value, difficulty = $("filter-difficulty").value;
  const shown = state.personas.filter((p) => (!lang || p.language === lang) && (!type || p.type === type)
    && (!difficulty || p.difficulty === difficulty));
  $("personas").replaceChildren(...shown.map((p) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.persona = p.id;
    button.setAttribute("aria-pressed", String(state.selected === p.id));
    const title = document.createElement("strong");
    title.textContent = `${p.name} · ${label("persona_types", p.type)}`;
    const meta = document.createElement("small");
    meta.textContent = `${p.language === "zh" ? "中文" : "English"} · ${t()[p.difficulty] || p.difficulty} · ${t().kinds[p.scenario_kind] || ""}`;
    const description = document.createElement("small");
    description.textContent = p.description || "";
    button.append(title, meta, description);
    button.addEventListener("click", () => { state.selected = p.id; $("start").disabled = false; renderPersonas(); });
    item.appendChild(button);
    return item;
  }));
}

// ---------------------------------------------------------------- the conversation

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/sessions/${state.sessionId}`);
  state.socket = socket;
  socket.addEventListener("open", () => { state.retries = 0; $("status").textContent = ""; setBusy(false); });
  socket.addEventListener("message", (event) => onServerMessage(JSON.parse(event.data)));
  socket.addEventListener("close", () => {
    if (state.ended || state.socket !== socket) return;
    $("status").textContent = t().reconnecting;
    setBusy(true);
    const delay = Math.min(1000 * 2 ** state.retries++, 10000);
    setTimeout(() => { if (!state.ended && state.socket === socket) connect(); }, delay);
  });
}

function setBusy(busy) {
  $("send").disabled = busy;
  $("hint").disabled = busy;
  $("end").disabled = busy;
}

function onServerMessage(message) {
  if (message.type === "typing") { $("status").textContent = t().typing; setBusy(true); return; }
  $("status").textContent = "";
  setBusy(false);
  if (message.type === "turn") {
    document.querySelectorAll(".msg.pending").forEach((el) => el.classList.remove("pending"));
    if (state.pendingText !== null) { $("reply").value = ""; state.pendingText = null; }
    // answers to replies that waited out an outage come first, in the order they were typed
    for (const line of message.earlier || []) addMessage("customer", line);
    if (message.customer) addMessage("customer", message.customer);
    if (message.hint) addMessage("hint", `💡 ${message.hint}`);
    if (message.ended) finish(message);
  } else if (message.type === "hint") {
    addMessage("hint", `💡 ${message.text}`);
  } else if (message.type === "error") {
    const last = $("messages").lastElementChild;
    if (!last || last.textContent !== errorText(message)) addMessage("error", errorText(message));
    if (message.code === "customer_unavailable") {
      // The server has stored the reply and delivers it first thing once the customer is back.
      if (state.pendingText !== null) { $("reply").value = ""; state.pendingText = null; }
      setTimeout(() => { if (!state.ended) send({ type: "retry" }); }, 5000);
    } else if (state.pendingText !== null) {
      // Refused (empty, too long …): nothing was stored, so the text stays in the box to fix.
      document.querySelectorAll(".msg.pending").forEach((el) => el.remove());
      state.pendingText = null;
    }
    if (message.code === "ended") finish({});
  }
}

function send(message) {
  if (!state.socket || state.socket.readyState !== WebSocket.OPEN) {
    addMessage("error", t().reconnecting);
    return false;
  }
  state.socket.send(JSON.stringify(message));
  return true;
}

async function startSession() {
  state.mode = document.querySelector("input[name=mode]:checked").value;
  const persona = state.personas.find((p) => p.id === state.selected);
  setBusy(true);
  try {
    const turn = await api("/api/sessions", { persona_id: state.selected, mode: state.mode });
    state.sessionId = turn.session_id;
    state.ended = false;
    $("messages").replaceChildren();
    $("persona-banner").textContent = `${persona.name} · ${label("persona_types", persona.type)} · ${t()[state.mode].split("：")[0].split(":")[0]}`;
    show("chat");
    $("hint").hidden = state.mode === "assessment";  // assessment shows nothing until the end
    addMessage("customer", turn.customer);
    connect();
    $("reply").focus();
  } catch (error) {
    alert(error.message);
  } finally { setBusy(false); }
}

function finish(turn) {
  state.ended = true;
  if (state.socket) state.socket.close();
  showScorecard(state.sessionId, turn.scorecard || {}, turn.outcome);
}

function showScorecard(sessionId, card, outcome) {
  $("score").textContent = `${t().overall}: ${card.overall ?? "–"}`;
  $("outcome").textContent = `${t().outcome}: ${outcomeText(outcome ?? card.outcome)}`;
  $("mood-chart").src = `/api/sessions/${sessionId}/mood.png?lang=${state.lang}`;
  $("mood-chart").alt = state.lang === "zh" ? "顾客情绪变化图" : "Customer mood chart";
  const rows = CounterpartLabels.scorecardRows(card, state.labels, state.lang);
  $("dimensions").replaceChildren(...rows.dimensions.map(({ key, label: name, value }) => {
    const item = document.createElement("li");
    item.dataset.dimension = key;
    const caption = document.createElement("span");
    caption.textContent = name;
    const bar = document.createElement("span");
    bar.className = "bar";
    const fill = document.createElement("i");
    fill.style.width = `${Math.max(0, Math.min(100, value ?? 0))}%`;
    bar.appendChild(fill);
    const number = document.createElement("b");
    // a dimension with no evidence in the conversation is not observed, not a score (issue 15)
    const observed = value !== null && value !== undefined;
    number.textContent = observed ? Math.round(value) : t().notObserved;
    // "not observed" takes the bar's place: a phone's width has no room for both (375 px)
    item.classList.toggle("unobserved", !observed);
    item.append(caption, ...(observed ? [bar] : []), number);
    return item;
  }));
  $("steps").replaceChildren(...rows.steps.map(({ key, label: name, done }) => {
    const item = document.createElement("li");
    item.dataset.step = key;
    item.className = done ? "done" : "";
    item.textContent = `${done ? "✓" : "·"} ${name}`;
    return item;
  }));
  const list = (id, items) => $(id).replaceChildren(...(items || []).map((entry) => {
    const item = document.createElement("li");
    item.textContent = typeof entry === "string" ? entry : entry.text;
    if (entry && entry.evidence_text) {  // the reply that earned it (issue 15)
      const cited = document.createElement("small");
      cited.className = "evidence";
      cited.textContent = entry.evidence_text;
      item.append(document.createElement("br"), cited);
    }
    return item;
  }));
  list("strengths", card.strengths);
  list("improvements", card.improvements);
  show("result");
}

async function showHistory() {
  const sessions = await api("/api/history");
  const items = sessions.map((s) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = `${s.overall ?? "–"} · ${label("persona_types", s.persona_type)} · ${outcomeText(s.outcome, true)}`;
    const when = document.createElement("small");
    when.textContent = `${new Date(s.started_at).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB")} · ${s.turns} · ${s.status === "active" ? t().open : s.mode}`;
    button.addEventListener("click", async () => {
      const detail = await api(`/api/sessions/${s.session_id}`);
      showScorecard(s.session_id, detail.scorecard || {}, s.outcome);
    });
    item.append(button, when);
    return item;
  });
  if (!items.length) { const empty = document.createElement("li"); empty.textContent = t().noHistory; items.push(empty); }
  $("history-list").replaceChildren(...items);
  show("history");
}

// ---------------------------------------------------------------- wiring

$("lang-toggle").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localStorage.setItem("counterpart.lang", state.lang);
  applyLanguage();
});

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    state.me = await api("/api/signin", { name: $("name").value, cohort_code: $("cohort").value, lang: state.lang });
    await loadMe();
  } catch (error) { alert(error.message); }
});

for (const id of ["filter-lang", "filter-type", "filter-difficulty"]) $(id).addEventListener("change", renderPersonas);
$("start").addEventListener("click", startSession);

$("reply-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("reply").value;
  if (!text.trim()) { addMessage("error", t().errors.empty); return; }
  if (send({ type: "reply", text })) {
    addMessage("trainee", text.trim()).classList.add("pending");
    state.pendingText = text;
  }
});
$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); $("reply-form").requestSubmit(); }
});
$("hint").addEventListener("click", () => send({ type: "hint" }));
$("end").addEventListener("click", () => send({ type: "end" }));
$("again").addEventListener("click", () => { state.selected = null; $("start").disabled = true; loadMe(); });
$("nav-history").addEventListener("click", () => showHistory().catch((error) => alert(error.message)));
$("history-back").addEventListener("click", loadMe);

loadLabels().then(() => { applyLanguage(); loadMe(); });
