// Small enhancements; everything works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-navigate]");
  if (select && select.value) window.location.href = select.value;
});
