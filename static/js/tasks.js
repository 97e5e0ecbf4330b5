// Task list: a header checkbox selects every task on the page for the bulk change.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-select-all]");
  if (!all) return;
  const form = all.closest("form");
  form.querySelectorAll(`input[name="${all.dataset.selectAll}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});

// The bulk bar shows (and sticks to the top of the window) once a task is selected, with how
// many are.
function showSelection(form) {
  const count = form.querySelectorAll('input[name="tasks"]:checked').length;
  form.classList.toggle("has-selection", count > 0);
  const shown = form.querySelector("[data-selected-count]");
  if (shown) shown.textContent = String(count);
}
document.addEventListener("change", (event) => {
  const form = event.target.closest("form.bulk-form");
  if (form) showSelection(form);
});
function showSelections() {
  document.querySelectorAll("form.bulk-form").forEach(showSelection);
}
document.addEventListener("DOMContentLoaded", showSelections);
document.addEventListener("htmx:afterSettle", showSelections);
window.addEventListener("pageshow", showSelections);
