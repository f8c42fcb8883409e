// Progressive enhancement only: every flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Type-to-filter for long option lists: <input data-filter-for="ID"> filters the options of <select id=ID>
  // or the [data-filter-item] children of the element with that id.
  document.querySelectorAll("[data-filter-for]").forEach((input) => {
    const target = document.getElementById(input.dataset.filterFor);
    if (!target) return;
    input.hidden = false;
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      const items = target.tagName === "SELECT" ? target.options : target.querySelectorAll("[data-filter-item]");
      for (const item of items) {
        const text = (item.dataset.filterText || item.textContent).toLowerCase();
        item.hidden = q !== "" && !text.includes(q);
      }
    });
  });
  // Ask before destructive actions: <form data-confirm="Really?">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (e) => { if (!window.confirm(form.dataset.confirm)) e.preventDefault(); });
  });
  // Register form: send the browser's time zone so new accounts start in the right zone.
  const tz = document.querySelector("input[name=timezone][type=hidden]");
  if (tz && !tz.value || (tz && tz.value === "UTC")) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
  }
});
// Phones: the main menu collapses behind a Menu button (CSS shows the button on narrow screens
// only). Without this file the menu simply wraps under the brand.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const menu = document.getElementById("nav-menu");
  if (!toggle || !menu) return;
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
});
// A wide table that scrolls on its own (phones) must be reachable by keyboard: make it focusable.
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll("main table, main pre")) {
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) el.tabIndex = 0;
  }
});
