// The skill picker (templates/_partials/_skill_picker.html). Progressive enhancement only:
// without this file the chosen skills are listed first and the rest wait in closed categories.
// With it: a search box, rows move into the chosen list as soon as they get a level or a tick,
// and chosen rows get a Remove button. The form inputs stay the source of truth.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-skill-picker]").forEach((picker) => {
    const chosenBody = picker.querySelector("[data-picker-chosen]");
    const empty = picker.querySelector("[data-picker-empty]");
    const search = picker.querySelector("[data-picker-search]");
    const status = picker.querySelector("[data-picker-status]");
    const groups = Array.from(picker.querySelectorAll(".picker-group"));
    const groupBody = (category) => {
      const group = groups.find((g) => g.dataset.category === category);
      return group ? group.querySelector("tbody") : null;
    };
    const controls = (row) => row.querySelectorAll("select, input[type=checkbox]");
    const isChosen = (row) => Array.from(controls(row)).some((c) => (c.tagName === "SELECT" ? c.value !== "" : c.checked));
    const label = (row) => row.querySelector("th label").textContent.trim();
    const say = (text) => { if (status) status.textContent = text; };
    const refresh = () => {
      if (empty) empty.hidden = chosenBody.querySelector(".picker-row") !== null;
      for (const group of groups) group.hidden = group.querySelector(".picker-row:not([hidden])") === null;
    };
    const choose = (row, focused) => {
      chosenBody.appendChild(row);
      row.hidden = false;
      row.querySelector(".picker-remove").hidden = false;
      if (focused) focused.focus();
      say(`${label(row)} added.`);
      refresh();
    };
    const unchoose = (row) => {
      for (const c of controls(row)) { if (c.tagName === "SELECT") c.value = ""; else c.checked = false; }
      row.querySelector(".picker-remove").hidden = true;
      const body = groupBody(row.dataset.category);
      if (body) body.appendChild(row);
      say(`${label(row)} removed.`);
      refresh();
      if (search) search.focus();
    };
    for (const row of chosenBody.querySelectorAll(".picker-row")) row.querySelector(".picker-remove").hidden = false;
    picker.addEventListener("change", (e) => {
      const row = e.target.closest(".picker-row");
      if (!row) return;
      if (row.parentElement !== chosenBody && isChosen(row)) choose(row, e.target);
    });
    picker.addEventListener("click", (e) => {
      const button = e.target.closest(".picker-remove");
      if (button) unchoose(button.closest(".picker-row"));
    });
    if (!search) { refresh(); return; }
    search.hidden = false;
    picker.querySelector(".picker-search-label").hidden = false;
    const firstMatch = () => picker.querySelector(".picker-group[open] .picker-row:not([hidden]) select, .picker-group[open] .picker-row:not([hidden]) input");
    search.addEventListener("input", () => {
      const q = search.value.trim().toLowerCase();
      let matches = 0;
      for (const group of groups) {
        let visible = 0;
        for (const row of group.querySelectorAll(".picker-row")) {
          const show = q === "" || row.dataset.filterText.toLowerCase().includes(q);
          row.hidden = !show;
          if (show) visible += 1;
        }
        group.hidden = visible === 0;
        group.open = q !== "" && visible > 0;
        matches += q === "" ? 0 : visible;
      }
      say(q === "" ? "" : `${matches} matching.`);
    });
    search.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== "ArrowDown") return;
      e.preventDefault(); // Enter here must not submit the whole form
      const target = firstMatch();
      if (target) target.focus();
    });
    refresh();
  });
});
