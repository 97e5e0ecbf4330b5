// Small enhancements; everything works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});

// Practice switcher: go to the chosen practice.
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-navigate]");
  if (select && select.value) window.location.href = select.value;
});

// Ask before destructive plain form posts (HTMX forms use hx-confirm).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Copy a one-time secret to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    button.textContent = button.dataset.copied || "✓";
  });
});

// Sign-up: start with the browser's time zone, so times show right from the first page.
function detectTimeZone(root) {
  root.querySelectorAll("input[data-detect-time-zone]").forEach((input) => {
    if (input.value) return;
    try {
      input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      input.value = "";
    }
  });
}
// A form that comes back with errors puts the keyboard on the first field to fix.
function focusFirstError() {
  const field = document.querySelector('[aria-invalid="true"]');
  if (field) field.focus();
}
document.addEventListener("DOMContentLoaded", () => {
  detectTimeZone(document);
  focusFirstError();
});
document.addEventListener("htmx:afterSettle", focusFirstError);

// The Settings menu closes on a click elsewhere or on Escape (focus returns to its button).
document.addEventListener("click", (event) => {
  document.querySelectorAll(".nav-more details[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".nav-more details[open]").forEach((menu) => {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});
