// Criterion form, in words: concepts found by label or code, only the operators and units the
// chosen concept allows, choices ticked by label and drugs picked by name (written into the
// plain values/drugs fields the server reads). The server checks the same rules; without
// this script the form still works with codes typed in.
// Admin media scripts load in <head>: wait for the form and the page's JSON data.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const dataNode = document.getElementById("criterion-concepts");
  const concept = document.getElementById("id_concept");
  const operator = document.getElementById("id_operator");
  const unit = document.getElementById("id_unit");
  const values = document.getElementById("id_values");
  const drugs = document.getElementById("id_drugs");
  if (!dataNode || !concept || !operator || !unit) {
    return;
  }
  const data = JSON.parse(dataNode.textContent);
  const concepts = data.concepts;
  const words = data.words;
  const allUnits = Array.from(unit.options).map((o) => [o.value, o.textContent]);

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Search: narrows the concept list to the options whose label or code match.
  const search = document.createElement("input");
  search.type = "search";
  search.id = "criterion-concept-search";
  search.className = "vTextField";
  search.placeholder = words.search;
  search.setAttribute("aria-label", words.search);
  concept.insertAdjacentElement("beforebegin", search);
  search.addEventListener("input", function () {
    const query = fold(search.value.trim());
    let first = null;
    for (const option of concept.options) {
      const match = option.value === "" || fold(option.textContent).includes(query);
      option.hidden = !match;
      if (match && option.value && first === null) first = option;
    }
    if (query && first && concept.selectedOptions[0] && concept.selectedOptions[0].hidden) {
      concept.value = first.value;
      update();
    }
  });

  function filter(select, allowed) {
    for (const option of select.options) {
      const ok = option.value === "" || allowed === null || allowed.includes(option.value);
      option.hidden = !ok;
      option.disabled = !ok;
    }
    if (select.selectedOptions.length && select.selectedOptions[0].disabled) {
      select.value = "";
    }
  }

  function setUnits(allowed) {
    // The server may have rendered only one concept's units: rebuild from every unit known.
    const current = unit.value;
    const known = new Map(allUnits);
    for (const u of allowed || []) if (!known.has(u)) known.set(u, u);
    unit.replaceChildren();
    for (const [value, label] of known) {
      if (value !== "" && allowed !== null && !allowed.includes(value)) continue;
      unit.add(new Option(label, value, false, value === current));
    }
  }

  function hint(info) {
    let help = document.getElementById("criterion-concept-hint");
    if (!help) {
      help = document.createElement("div");
      help.id = "criterion-concept-hint";
      help.className = "help";
      (values || concept).insertAdjacentElement("afterend", help);
    }
    if (!info) {
      help.textContent = "";
      return;
    }
    const parts = [words.type + ": " + info.type_label];
    if (info.canonical_unit) parts.push(words.canonical_unit + ": " + info.canonical_unit);
    const [min, max] = info.range;
    if (min !== null || max !== null) parts.push(words.range + ": " + (min ?? "") + "–" + (max ?? ""));
    help.textContent = parts.join(" · ");
  }

  // A list of checkboxes standing for a comma-separated field: ticking writes the codes.
  function picker(id, legend, items, field) {
    let box = document.getElementById(id);
    if (box) box.remove();
    if (!items || !field) return;
    box = document.createElement("fieldset");
    box.id = id;
    box.className = "criterion-picker";
    const title = document.createElement("legend");
    title.textContent = legend;
    box.appendChild(title);
    const chosen = new Set(field.value.split(",").map((v) => v.trim()).filter(Boolean));
    for (const item of items) {
      const label = document.createElement("label");
      const tick = document.createElement("input");
      tick.type = "checkbox";
      tick.value = item.code;
      tick.checked = chosen.has(item.code);
      tick.addEventListener("change", function () {
        const ticked = Array.from(box.querySelectorAll("input:checked")).map((t) => t.value);
        field.value = ticked.join(", ");
      });
      label.append(tick, " " + item.label);
      box.appendChild(label);
    }
    field.insertAdjacentElement("afterend", box);
  }

  function update() {
    const info = concepts[concept.value] || null;
    filter(operator, info ? info.operators : null);
    setUnits(info ? info.units : null);
    hint(info);
    const isChoice = info && info.type === "choice";
    const isList = info && info.type === "list";
    picker("criterion-choice-picker", words.choices, isChoice ? info.choices : null, values);
    picker("criterion-drug-picker", words.drugs, isList ? data.drugs : null, drugs);
    // Yes/no concepts take no values: "is yes" or "is no" says it all.
    if (values) values.closest(".form-row").hidden = !!(info && info.type === "boolean");
    if (drugs) drugs.closest(".form-row").hidden = !!(info && !isList);
  }

  // Groups and visit checks have no condition: hide the leaf fields for them.
  const nodeType = document.getElementById("id_node_type");
  const leafFields = concept.closest("fieldset");
  function toggleLeafFields() {
    if (nodeType && leafFields) {
      leafFields.hidden = nodeType.value !== "leaf";
    }
  }

  concept.addEventListener("change", update);
  if (nodeType) nodeType.addEventListener("change", toggleLeafFields);
  update();
  toggleLeafFields();
});
