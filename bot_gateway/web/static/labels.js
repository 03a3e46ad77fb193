// The rubric's vocabulary as the guidelines catalogue names it (served by GET /api/labels as
// {lang: {kind: {key: {long, short}}}}), and the scorecard rows built from it. Pure functions:
// the web chat uses them, the unit tests run them in node.
"use strict";

const CounterpartLabels = (() => {
  /** label(kind, key, {short}) in one language; an unknown key shows as itself, none as a dash. */
  function labeller(catalogue, lang) {
    const table = (catalogue && catalogue[lang]) || {};
    return (kind, key, { short = false } = {}) => {
      if (key === null || key === undefined) return "—";
      const names = (table[kind] || {})[key];
      if (!names) return String(key).replace(/_/g, " ");
      return short ? names.short : names.long;
    };
  }

  function keys(catalogue, lang, kind) {
    return Object.keys(((catalogue && catalogue[lang]) || {})[kind] || {});
  }

  /** A scorecard's dimensions (short names: a phone's score bars) and five steps, in order. */
  function scorecardRows(card, catalogue, lang) {
    const label = labeller(catalogue, lang);
    const dims = card.dimensions || {};
    const known = keys(catalogue, lang, "dimensions");
    const dimOrder = [...known.filter((d) => d in dims), ...Object.keys(dims).filter((d) => !known.includes(d))];
    const steps = card.five_steps || {};
    const stepOrder = keys(catalogue, lang, "steps");
    return {
      dimensions: dimOrder.map((key) => ({ key, label: label("dimensions", key, { short: true }), value: dims[key] })),
      steps: (stepOrder.length ? stepOrder : Object.keys(steps)).map((key) => ({
        key, label: label("steps", key), done: Boolean(steps[key]),
      })),
    };
  }

  return { labeller, scorecardRows };
})();

if (typeof module !== "undefined") module.exports = CounterpartLabels;
