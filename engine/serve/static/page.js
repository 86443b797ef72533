// The form of GET /: facts from the typed widgets → POST /evaluate → the explained verdict.
// Every text from the server is set with textContent (rule text is data, never HTML).
"use strict";
(function () {
  const form = document.getElementById("verdict-form");
  if (!form) return;
  const lang = form.dataset.lang;
  const $ = (id) => document.getElementById(id);

  function value(control) {
    const kind = control.dataset.kind;
    if (control.multiple) {
      const picked = Array.from(control.selectedOptions, (o) => o.value);
      return picked.length ? picked : undefined;
    }
    const raw = control.value.trim();
    if (raw === "") return undefined;
    if (kind === "bool") return raw === "true";
    if (kind === "number" || kind === "money") return raw.replace(",", ".");  // exact: sent as text
    if (kind === "list") return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (kind === "json") {  // a record or a list of records; text that is no JSON goes as it is, and is refused by name
      try { return JSON.parse(raw); } catch (e) { return raw; }
    }
    return raw;  // integers as text too: the engine reads "12" as 12, never through a float
  }

  function request() {
    const facts = {};
    form.querySelectorAll("[data-kind]").forEach((control) => {
      const v = value(control);
      if (v !== undefined) facts[control.name] = v;
    });
    const outputs = Array.from(form.querySelectorAll('input[name="output"]:checked'), (c) => c.value);
    const body = { facts: facts, lang: lang };
    if ($("as-of").value) body.as_of = $("as-of").value;
    if (outputs.length) body.outputs = outputs;
    return body;
  }

  function item(list, text) {
    const li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
    return li;
  }

  function showSources(sources) {
    const list = $("sources");
    list.replaceChildren();
    sources.forEach((source) => {
      const li = document.createElement("li");
      const url = source.url || "";
      const label = document.createElement(/^https?:\/\//.test(url) ? "a" : "span");
      label.textContent = source.title || source.id;
      if (label.tagName === "A") { label.href = url; label.rel = "noopener noreferrer"; }
      li.appendChild(label);
      const extra = [source.publisher, source.status].filter(Boolean).join(" · ");
      if (extra) li.appendChild(document.createTextNode(" — " + extra));
      list.appendChild(li);
    });
    $("sources-block").hidden = sources.length === 0;
  }

  let traceUrl = null;
  function showTrace(trace) {
    const link = $("download");
    if (traceUrl) URL.revokeObjectURL(traceUrl);
    traceUrl = URL.createObjectURL(new Blob([JSON.stringify(trace, null, 2) + "\n"], { type: "application/json" }));
    link.href = traceUrl;
    link.download = "verdict-" + (trace.as_of || "trace") + ".json";
    link.hidden = false;
  }

  function showError(error) {
    const list = $("problem-list");
    list.replaceChildren();
    const diagnostics = error.diagnostics && error.diagnostics.length ? error.diagnostics : [error];
    diagnostics.forEach((d) => {
      const li = item(list, d.message);
      if (d.hint) { const hint = document.createElement("small"); hint.textContent = " — " + d.hint; li.appendChild(hint); }
    });
    $("problems").hidden = false;
  }

  // A field no checked question reads is dimmed, not hidden: another date may need it after all.
  function dimUnneeded() {
    const needed = new Set();
    form.querySelectorAll('input[name="output"]:checked').forEach((box) => {
      (box.dataset.reads || "").split(" ").forEach((name) => needed.add(name));
    });
    form.querySelectorAll(".field").forEach((field) => {
      const control = field.querySelector("[data-kind]");
      field.classList.toggle("unneeded", !needed.has(control.name));
    });
  }
  form.addEventListener("change", (event) => { if (event.target.name === "output") dimUnneeded(); });
  dimUnneeded();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("submit");
    button.disabled = true;
    $("problems").hidden = true;
    $("explanation").textContent = "";
    $("download").hidden = true;
    showSources([]);
    try {
      const response = await fetch("/evaluate", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request()),
      });
      const answer = await response.json();
      if (response.ok) {
        $("explanation").textContent = answer.explanation;
        showSources(answer.sources || []);
        showTrace(answer.trace);
      } else {
        showError(answer.error || { message: response.statusText });
      }
    } catch (failure) {
      showError({ message: String(failure) });
    } finally {
      $("result").hidden = false;
      $("result").dataset.state = $("problems").hidden ? "verdict" : "error";
      button.disabled = false;
    }
  });
})();
