// Criterion form: once a concept is chosen, offer only the operators and units its type
// allows. The server checks the same rules; this only saves the curator a round trip.
// Admin media scripts load in <head>: wait for the form and the page's JSON data.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const dataNode = document.getElementById("criterion-concepts");
  const concept = document.getElementById("id_concept");
  const operator = document.getElementById("id_operator");
  const unit = document.getElementById("id_unit");
  const values = document.getElementById("id_values");
  if (!dataNode || !concept || !operator || !unit) {
    return;
  }
  const concepts = JSON.parse(dataNode.textContent);

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
    const parts = ["Type: " + info.type];
    if (info.canonical_unit) parts.push("canonical unit: " + info.canonical_unit);
    if (info.choices.length) parts.push("choices: " + info.choices.join(", "));
    const [min, max, step] = info.range;
    if (min !== null || max !== null) parts.push("range: " + (min ?? "") + "–" + (max ?? ""));
    if (step) parts.push("step: " + step);
    help.textContent = parts.join(" · ");
  }

  function update() {
    const info = concepts[concept.value] || null;
    filter(operator, info ? info.operators : null);
    filter(unit, info ? info.units : null);
    hint(info);
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
