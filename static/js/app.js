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

// Ask before destructive plain form posts (HTMX forms use hx-confirm): the question is on the
// form, or on the one button of several that destroys something.
document.addEventListener("submit", (event) => {
  const asker = [event.submitter, event.target].find((element) => element && element.dataset.confirm);
  if (asker && !window.confirm(asker.dataset.confirm)) event.preventDefault();
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

// Slow actions: the button that started one is disabled and shows a spinner until the answer
// comes (a second click cannot send the action twice, and the person sees it is working).
// Full-page posts: every form with method="post" (data-busy="off" opts out; a GET form opts
// in with data-busy). The buttons are disabled after the submit event, once the browser has
// read the clicked button's name and value; back navigation (bfcache) enables them again.
function setBusy(buttons, busy) {
  buttons.forEach((button) => {
    button.classList.toggle("is-busy", busy);
    button.disabled = busy;
    if (busy) button.setAttribute("aria-busy", "true");
    else button.removeAttribute("aria-busy");
  });
}
function submitButtons(form, submitter) {
  if (submitter) return [submitter];
  return Array.from(form.querySelectorAll("button:not([type=button]), input[type=submit]"));
}
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
  const posts = (form.getAttribute("method") || "").toLowerCase() === "post";
  if (form.dataset.busy === "off" || (!posts && !("busy" in form.dataset))) return;
  if (form.dataset.busyState === "on") {
    event.preventDefault(); // already on its way
    return;
  }
  form.dataset.busyState = "on";
  form.setAttribute("aria-busy", "true");
  const buttons = submitButtons(form, event.submitter);
  window.setTimeout(() => setBusy(buttons, true), 0);
});
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-busy-state]").forEach((form) => {
    delete form.dataset.busyState;
    form.removeAttribute("aria-busy");
    setBusy(submitButtons(form), false);
  });
});
// htmx: a request a person started (a submitted form or a clicked button; not polling, not
// a live preview as they type) disables that button until the answer is in.
function htmxButtons(detail) {
  const trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
  const elt = detail.elt;
  if (elt.matches("button, input[type=submit]")) return [elt];
  if (trigger && trigger.type === "submit" && elt instanceof HTMLFormElement) {
    return submitButtons(elt, trigger.submitter);
  }
  return [];
}
document.addEventListener("htmx:beforeRequest", (event) => {
  const buttons = htmxButtons(event.detail);
  event.detail.elt.busyButtons = buttons;
  setBusy(buttons, true);
});
document.addEventListener("htmx:afterRequest", (event) => {
  setBusy(event.detail.elt.busyButtons || [], false);
});

// A running timer ticks (hours:minutes:seconds since it started); the page shows the
// server's count without JavaScript.
function tickClocks() {
  document.querySelectorAll("[data-clock-since]").forEach((clock) => {
    const since = Date.parse(clock.dataset.clockSince);
    if (Number.isNaN(since)) return;
    const seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
    const hours = Math.floor(seconds / 3600);
    const minutes = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
    clock.textContent = `${hours}:${minutes}:${String(seconds % 60).padStart(2, "0")}`;
  });
}
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("[data-clock-since]")) window.setInterval(tickClocks, 1000);
});

// Top-bar menus (the timer): one open at a time; a click elsewhere or Escape closes them.
document.addEventListener("click", (event) => {
  document.querySelectorAll(".topbar-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".topbar-menu[open]").forEach((menu) => {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});

// Small screens: the staff menu folds behind the "Menu" button of the top bar.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-menu-toggle]");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  button.closest(".topbar").classList.toggle("menu-open", open);
});

// Small screens: a list's filters fold behind a "Filters" button (shown by the style sheet on
// narrow windows only); it says how many filters are set.
function foldFilters(root) {
  const label = document.body.dataset.filtersLabel || "Filters";
  root.querySelectorAll("form.filters[method=get]:not([data-folded])").forEach((form, index) => {
    form.dataset.folded = "";
    if (!form.id) form.id = `filters-${index + 1}`;
    const set = Array.from(new FormData(form).entries()).filter(
      ([name, value]) => value && name !== "sort" && name !== "page",
    ).length;
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "filters-toggle secondary";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", form.id);
    toggle.textContent = set ? `${label} (${set})` : label;
    toggle.addEventListener("click", () => {
      const open = !form.classList.contains("filters-open");
      form.classList.toggle("filters-open", open);
      toggle.setAttribute("aria-expanded", String(open));
    });
    form.before(toggle);
  });
}

// Small screens: list tables read as cards, each cell named by its column. The names come
// from the table's header; tables of inputs (editors) keep their grid.
function tablesAsCards(root) {
  root.querySelectorAll("table.table:not(.table-cards):not(.no-cards)").forEach((table) => {
    const editor = "tbody input:not([type=checkbox]):not([type=hidden]), tbody select, tbody textarea";
    if (table.querySelector(editor)) return;
    const names = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    if (!names.length) return;
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, index) => {
        if (!cell.hasAttribute("data-label")) cell.dataset.label = names[index] || "";
      });
    });
    table.classList.add("table-cards");
  });
}
document.addEventListener("DOMContentLoaded", () => {
  foldFilters(document);
  tablesAsCards(document);
});
document.addEventListener("htmx:afterSettle", (event) => {
  foldFilters(document);
  tablesAsCards(event.detail.elt.isConnected ? event.detail.elt : document);
});

// Keyboard shortcuts of the staff pages (the list is the dialog of app_base.html, opened with
// "?"): "/" searches (the page's list, or the whole practice from the top bar), "g d" dashboard, "g t" tasks, "n" new task. They wait while a field has
// the keyboard, and never take a key pressed with Ctrl, Alt or Cmd.
const SEQUENCE_WAIT_MS = 1500;
let pendingKeys = "";
let pendingSince = 0;
function typingIn(target) {
  return target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]");
}
// The page's own search (a list's filter) first, else the top bar's search of the practice.
function searchField() {
  return document.querySelector("main input[type=search]") || document.getElementById("site-search");
}
function focusSearch(field) {
  const form = field.closest("form.filters[data-folded]");
  if (form && !form.classList.contains("filters-open")) {
    const toggle = document.querySelector(`[aria-controls="${form.id}"]`);
    if (toggle) toggle.click();
  }
  field.focus();
  field.select();
}
function openShortcuts() {
  const dialog = document.getElementById("shortcuts");
  if (dialog && !dialog.open) dialog.showModal();
}
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-shortcuts-open]")) openShortcuts();
});
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (typingIn(event.target) || document.querySelector("dialog[open]")) return;
  const shortcuts = document.querySelectorAll("#shortcuts [data-shortcut]");
  if (!shortcuts.length) return; // not a staff page
  if (event.key === "?") {
    event.preventDefault();
    openShortcuts();
    return;
  }
  const now = Date.now();
  const keys = (now - pendingSince < SEQUENCE_WAIT_MS && pendingKeys ? `${pendingKeys} ` : "") + event.key;
  const match = Array.from(shortcuts).find((link) => link.dataset.shortcut === keys);
  const prefix = Array.from(shortcuts).some((link) => link.dataset.shortcut.startsWith(`${keys} `));
  pendingKeys = prefix ? keys : "";
  pendingSince = now;
  if (!match) return;
  event.preventDefault();
  if (keys === "/") {
    const field = searchField();
    if (field) {
      focusSearch(field);
      return;
    }
    window.location.href = `${match.href}#search`;
    return;
  }
  window.location.href = match.href;
});
// Arriving by "/" from a page without a search field: the search field has the keyboard.
document.addEventListener("DOMContentLoaded", () => {
  if (window.location.hash !== "#search") return;
  const field = searchField();
  if (field) focusSearch(field);
});

// A logo chosen is shown before it is sent; "Remove the logo" greys the current one.
document.addEventListener("change", (event) => {
  const target = event.target;
  const field = target.closest?.(".logo-field");
  if (!field) return;
  const preview = field.querySelector("[data-logo-preview]");
  if (target.matches("[data-logo-input]")) {
    const file = target.files && target.files[0];
    if (!file || !file.type.startsWith("image/")) return;
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      preview.src = reader.result;
      preview.alt = file.name;
      preview.hidden = false;
      preview.classList.remove("removed");
    });
    reader.readAsDataURL(file);
    const remove = field.querySelector("[data-logo-remove]");
    if (remove) remove.checked = false;
  } else if (target.matches("[data-logo-remove]")) {
    preview.classList.toggle("removed", target.checked);
  }
});

// Fields that matter for some choices only (``data-shown-for="field:value value"``): an hourly
// plan has no monthly fee. Hidden fields keep their values; the server decides what counts.
function showFieldsFor(form) {
  form.querySelectorAll("[data-shown-for]").forEach((wrapper) => {
    const [name, values] = wrapper.dataset.shownFor.split(":");
    const control = form.elements[name];
    if (!control) return;
    wrapper.hidden = !values.split(" ").includes(control.value);
  });
}
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form && form.querySelector("[data-shown-for]")) showFieldsFor(form);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    if (form.querySelector("[data-shown-for]")) showFieldsFor(form);
  });
});
