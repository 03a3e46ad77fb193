// Web chat: pick a persona, talk to the simulated customer, see hints and the final score.
"use strict";

const TEXT = {
  zh: { pick: "选择一位顾客开始练习", name: "你的名字", persona: "顾客", mode: "模式",
        practice: "练习（每句都有提示）", assessment: "考核（结束时评分）", start: "开始",
        send: "发送", end: "结束并评分", result: "练习结果", again: "再练一次",
        typing: "顾客正在输入…", score: "总分", outcome: "结果", toggle: "EN", failed: "出错了" },
  en: { pick: "Pick a customer to practise with", name: "Your name", persona: "Customer",
        mode: "Mode", practice: "Practice (a hint after each reply)",
        assessment: "Assessment (scored at the end)", start: "Start", send: "Send",
        end: "End and score", result: "Result", again: "Practise again",
        typing: "The customer is typing…", score: "Overall", outcome: "Outcome", toggle: "中文",
        failed: "Something went wrong" },
};
let lang = localStorage.getItem("counterpart.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let sessionId = null;
let mode = "practice";
const $ = (id) => document.getElementById(id);

function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = TEXT[lang][el.dataset.i18n]; });
  $("lang-toggle").textContent = TEXT[lang].toggle;
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || TEXT[lang].failed);
  return data;
}

function addMessage(kind, text) {
  const item = document.createElement("li");
  item.className = `msg ${kind}`;
  item.textContent = text;
  $("messages").appendChild(item);
  item.scrollIntoView({ block: "end" });
}

async function loadPersonas() {
  const personas = await api("/api/personas");
  const select = $("persona");
  select.replaceChildren(...personas.map((p) => {
    const option = new Option(`${p.name} · ${p.type} · ${p.language} · ${p.difficulty}`, p.id);
    option.title = p.description || "";
    return option;
  }));
}

function showTurn(turn) {
  if (turn.customer) addMessage("customer", turn.customer);
  if (mode === "practice" && turn.rating && turn.rating.tip && turn.rating.tip.text) {
    addMessage("hint", `💡 ${turn.rating.tip.text}`);
  }
  if (turn.ended) showResult(turn);
}

function showResult(turn) {
  const card = turn.scorecard || {};
  $("score").textContent = `${TEXT[lang].score}: ${card.overall ?? "–"} · ${TEXT[lang].outcome}: ${turn.outcome ?? "–"}`;
  $("result").hidden = false;
  $("reply-form").hidden = true;
  $("end").hidden = true;
}

async function busy(work) {
  $("status").textContent = TEXT[lang].typing;
  document.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try { await work(); } catch (error) { addMessage("error", error.message); }
  finally {
    $("status").textContent = "";
    document.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }
}

$("lang-toggle").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("counterpart.lang", lang);
  applyLanguage();
});

$("start").addEventListener("click", () => busy(async () => {
  mode = $("mode").value;
  const turn = await api("/api/sessions", { persona_id: $("persona").value, mode, name: $("name").value });
  sessionId = turn.session_id;
  $("setup").hidden = true;
  $("chat").hidden = false;
  $("messages").replaceChildren();
  showTurn(turn);
}));

$("reply-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("reply").value.trim();
  if (!text) return;
  busy(async () => {
    addMessage("trainee", text);
    const turn = await api(`/api/sessions/${sessionId}/replies`, { text });
    $("reply").value = "";  // cleared only once the reply is safely stored and answered
    showTurn(turn);
  });
});

$("end").addEventListener("click", () => busy(async () => {
  showTurn(await api(`/api/sessions/${sessionId}/end`, {}));
}));

$("again").addEventListener("click", () => {
  $("result").hidden = true;
  $("chat").hidden = true;
  $("reply-form").hidden = false;
  $("end").hidden = false;
  $("setup").hidden = false;
});

applyLanguage();
loadPersonas().catch((error) => addMessage("error", error.message));
