// sitrep preview: follows the server's renders (server-sent events) and swaps each new one into
// the page without reloading it; lists the problems when the inputs stop validating; builds
// the PDF on request. Text from the data is set with textContent; the report body is the
// sanitized markup the report templates made (the same as the PDF and the HTML edition).
// The toolbar's words are the workspace catalogue's [preview] entries (body data-words, JSON),
// filled in here and set with textContent too; plural forms are chosen by Intl.PluralRules
// for the workspace's locale, whose CLDR categories are the catalogue's.
"use strict";

(() => {
  const body = document.body;
  const date = body.dataset.date;
  const token = document.querySelector('meta[name="sitrep-token"]').content;
  const report = document.getElementById("sitrep-report");
  const panel = document.getElementById("sitrep-problems");
  const list = document.getElementById("sitrep-problem-list");
  const count = document.getElementById("sitrep-problem-count");
  const status = document.getElementById("sitrep-status");
  const select = document.getElementById("sitrep-date");
  const button = document.getElementById("sitrep-build");
  const built = document.getElementById("sitrep-build-result");
  const offline = document.getElementById("sitrep-connection");
  const warnings = document.getElementById("sitrep-warnings");
  let version = Number(body.dataset.version);
  let contentVersion = Number(body.dataset.contentVersion);
  let fetching = false;
  let errors = 0;
  let wanted = version;

  const words = JSON.parse(body.dataset.words || "{}");
  let rules;
  try {
    rules = new Intl.PluralRules((body.dataset.locale || "en").replace(/_/g, "-"));
  } catch {
    rules = new Intl.PluralRules("en");
  }

  // t("warnings", { count: 2 }): the catalogue's text, its {names} filled in
  function t(key, values = {}) {
    let text = words[`preview.${key}`];
    if (text === undefined && words[`preview.${key}.other`] !== undefined) {
      const form = rules.select(Number(values.count) || 0);
      text = words[`preview.${key}.${form}`] ?? words[`preview.${key}.other`];
    }
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  function problemItem(p) {
    const li = document.createElement("li");
    li.className = `sitrep-${p.severity}`;
    const severity = document.createElement("span");
    severity.className = "sitrep-severity";
    severity.textContent = ["error", "warning", "note"].includes(p.severity) ? t(p.severity) : p.severity;
    li.append(severity, " ");
    if (p.location) {
      const where = document.createElement("span");
      where.className = "sitrep-location";
      where.textContent = p.location;
      li.append(where);
      if (p.value !== null && p.value !== "") {
        const value = document.createElement("code");
        value.textContent = p.value;
        li.append(": ", value);
      }
      li.append(": ");
    }
    const message = document.createElement("span");
    message.className = "sitrep-message";
    message.textContent = p.message;
    li.append(message);
    return li;
  }

  function showProblems(state) {
    const errors = state.problems.filter((p) => p.severity === "error");
    const others = state.problems.filter((p) => p.severity !== "error");
    list.replaceChildren(...(errors.length ? state.problems : []).map(problemItem));
    count.textContent = t("errors", { count: errors.length });
    panel.hidden = errors.length === 0;
    warnings.hidden = errors.length > 0 || others.length === 0;
    warnings.querySelector("summary").textContent = t("warnings", { count: others.length });
    warnings.querySelector("ol").replaceChildren(...others.map(problemItem));
  }

  function showStatus(state) {
    const c = state.content;
    let text = "";
    if (c) {
      const values = { number: c.number, revision: c.revision, day: c.day };
      text = t(c.revision ? "number_revision" : "number", values);
      text += ` ${t(c.changed ? "changed" : c.issued ? "issued" : "not_issued")} \u00b7 `;
    }
    const seconds = state.seconds.toFixed(2);
    status.textContent = text + t("rendered_in", { time: state.renderedAt, seconds });
    errors = state.errors;
    button.disabled = !c || errors > 0;
    const known = new Set([...select.options].map((o) => o.value));
    for (const d of state.dates) {
      if (!known.has(d)) select.add(new Option(d, d));
    }
  }

  // The texts of the report's figures, in order: what changed is marked after a swap.
  const FIGURES = ".value, .change, td, li, .as-of, .report-number";
  const texts = () => [...report.querySelectorAll(FIGURES)].map((e) => e.textContent);

  function showContent(c) {
    const styles = [...document.querySelectorAll("style[data-report-style]")];
    const same =
      styles.length === c.styles.length &&
      styles.every((s, i) => s.textContent === c.styles[i].css && s.media === c.styles[i].media);
    if (!same) {
      // only when the stylesheet changed: fonts are not loaded again on every save
      styles.forEach((s) => s.remove());
      const anchor = document.querySelector('link[href="/_preview/preview.css"]');
      for (const { media, css } of c.styles) {
        const style = document.createElement("style");
        style.dataset.reportStyle = "";
        style.media = media;
        style.textContent = css;
        anchor.before(style);
      }
    }
    const before = texts();
    report.innerHTML = c.body;
    const after = [...report.querySelectorAll(FIGURES)];
    if (after.length === before.length) {
      after.forEach((e, i) => {
        if (e.textContent !== before[i]) e.classList.add("sitrep-changed");
      });
    }
    body.className = `${c.bodyClass} sitrep-preview`;
    document.documentElement.lang = c.lang;
    document.title = t("title", { title: c.title });
    contentVersion = c.version;
    body.dataset.contentVersion = String(c.version);
    body.dataset.day = c.day;
  }

  function apply(state) {
    if (state.locale && state.locale !== body.dataset.locale) {
      // the workspace's language changed: the page's words and direction come with a new page
      location.reload();
      return;
    }
    version = state.version;
    body.dataset.version = String(version);
    if (state.content && state.content.version !== contentVersion) showContent(state.content);
    showProblems(state);
    showStatus(state);
  }

  async function refresh() {
    if (fetching) return;
    fetching = true;
    try {
      while (wanted > version) {
        const response = await fetch(`/api/report?date=${encodeURIComponent(date)}`, {
          cache: "no-store",
        });
        if (!response.ok) break;
        apply(await response.json());
      }
    } finally {
      fetching = false;
    }
  }

  const events = new EventSource(`/events?date=${encodeURIComponent(date)}`);
  events.addEventListener("state", (event) => {
    offline.hidden = true;
    const state = JSON.parse(event.data);
    if (state.instance !== body.dataset.instance) {
      // sitrep preview was started again: its versions and its token are new
      location.reload();
      return;
    }
    wanted = Math.max(wanted, state.version);
    refresh();
  });
  events.addEventListener("open", () => {
    offline.hidden = true;
  });
  events.addEventListener("error", () => {
    offline.hidden = false;
  });

  select.addEventListener("change", () => {
    location.href = select.value === "latest" ? "/" : `/report/${select.value}`;
  });

  async function build(revise) {
    const target = date === "latest" ? body.dataset.day : date;
    button.disabled = true;
    built.textContent = t(revise ? "issuing" : "building");
    const query = `date=${encodeURIComponent(target)}${revise ? "&revise=1" : ""}`;
    try {
      const response = await fetch(`/api/build?${query}`, {
        method: "POST",
        headers: { "X-Sitrep-Token": token },
      });
      const result = await response.json();
      built.replaceChildren();
      if (result.ok) {
        const link = document.createElement("a");
        link.href = result.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.id = "sitrep-pdf-link";
        link.textContent = result.name;
        const edition = document.createElement("a");
        edition.href = result.edition;
        edition.target = "_blank";
        edition.rel = "noopener";
        edition.id = "sitrep-edition-link";
        edition.textContent = t("edition");
        built.append(`${t(result.reused ? "unchanged" : "built")} `, link, " \u00b7 ", edition);
      } else {
        const error = document.createElement("span");
        error.className = "sitrep-build-error";
        error.textContent = result.error;
        built.append(error);
        if (result.problems.length) {
          showProblems({ problems: result.problems });
        }
        if (result.revisable) {
          // the report was issued from other inputs: a correction is a revision, on request
          const revise = document.createElement("button");
          revise.type = "button";
          revise.id = "sitrep-revise";
          revise.textContent = t("revise");
          revise.addEventListener("click", () => build(true));
          built.append(" ", revise);
        }
      }
    } catch (error) {
      built.textContent = t("no_answer", { error });
    } finally {
      button.disabled = errors > 0;
    }
  }

  button.addEventListener("click", () => build(false));
})();
