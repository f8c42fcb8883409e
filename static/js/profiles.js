// Profiles: type-to-filter for the skill picker. Progressive enhancement only:
// without this file every skill select is simply shown.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("skill-filter");
  const list = document.getElementById("skill-picker-list");
  if (!input || !list) return;
  input.hidden = false;
  const groups = Array.from(list.querySelectorAll(".picker-group"));
  const apply = () => {
    const q = input.value.trim().toLowerCase();
    for (const group of groups) {
      const category = (group.dataset.category || "").toLowerCase();
      let visible = 0;
      for (const row of group.querySelectorAll(".picker-row")) {
        const select = row.querySelector("select");
        const chosen = select && select.value !== "";
        const text = (row.dataset.filterText || row.textContent).toLowerCase();
        const show = q === "" || chosen || text.includes(q) || category.includes(q);
        row.hidden = !show;
        if (show) visible += 1;
      }
      group.hidden = visible === 0;
    }
  };
  input.addEventListener("input", apply);
  // Enter in the filter box must not submit the whole profile form.
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") e.preventDefault(); });
});
