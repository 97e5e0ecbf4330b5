// The quick switcher of the staff pages (clients/playbook): "k" or Ctrl+K (Cmd+K) opens it
// from any page, typing part of a client's name lists matches from the practice's clients the
// member may see, the arrow keys choose, Enter opens the client's playbook (or the call form
// for "Log a call for …"). Without JavaScript the top-bar link opens the same search as a page.
(() => {
  const dialog = document.getElementById("switcher");
  if (!dialog) return;
  const input = dialog.querySelector("#switcher-input");
  const list = dialog.querySelector("#switcher-results");
  let options = [];
  let selected = 0;
  let latest = Promise.resolve();
  let timer = null;
  let asked = 0;
  // Arrow presses made while the results of the latest text are on their way: applied to
  // those results (from their first option), never to the list they replace.
  let moves = 0;
  let retyped = false;

  function label(template, name) {
    return template.replace("%(name)s", name);
  }
  function render(results) {
    // The option chosen stays chosen when it is still listed (results of a later keystroke).
    const before = options[selected] ? options[selected].querySelector("a").href : null;
    list.replaceChildren();
    options = [];
    results.forEach((row) => {
      [
        { href: row.playbook_url, text: row.name, hint: row.status },
        { href: row.call_url, text: label(dialog.dataset.callLabel, row.name), hint: "", call: true },
      ].forEach((option) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.id = `switcher-option-${options.length}`;
        const link = document.createElement("a");
        link.href = option.href;
        link.tabIndex = -1;
        const text = document.createElement("span");
        text.textContent = option.text;
        if (option.call) text.className = "small";
        link.append(text);
        if (option.hint) {
          const hint = document.createElement("span");
          hint.className = "muted small";
          hint.textContent = option.hint;
          link.append(hint);
        }
        item.append(link);
        list.append(item);
        options.push(item);
      });
    });
    if (!results.length) {
      const item = document.createElement("li");
      item.className = "muted small";
      item.textContent = dialog.dataset.emptyLabel;
      list.append(item);
    }
    const kept = retyped ? -1 : options.findIndex((item) => item.querySelector("a").href === before);
    if (timer) {
      // A later text waits to be asked: the arrows pressed since belong to its results.
      choose(kept >= 0 ? kept : 0);
      return;
    }
    choose((kept >= 0 ? kept : 0) + moves);
    moves = 0;
    retyped = false;
  }
  function choose(index) {
    if (!options.length) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    selected = ((index % options.length) + options.length) % options.length;
    options.forEach((item, n) => item.setAttribute("aria-selected", n === selected ? "true" : "false"));
    input.setAttribute("aria-activedescendant", options[selected].id);
    options[selected].scrollIntoView({ block: "nearest" });
  }
  function search() {
    const number = ++asked;
    dialog.dataset.pending = "true"; // until the results of what was typed last are shown
    const url = `${dialog.dataset.url}?q=${encodeURIComponent(input.value.trim())}`;
    latest = fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => {
        if (number !== asked) return;
        render(data.results || []);
        delete dialog.dataset.pending;
      })
      .catch(() => {});
    return latest;
  }
  function open() {
    if (dialog.open) return;
    input.value = "";
    options = [];
    selected = 0;
    moves = 0;
    retyped = true;
    dialog.showModal();
    input.focus();
    search();
  }
  input.addEventListener("input", () => {
    moves = 0;
    retyped = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      search();
    }, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (timer || dialog.dataset.pending) moves += step;
      else choose(selected + step);
    } else if (event.key === "Escape") {
      // A search field would only clear itself first: Esc closes the switcher at once.
      event.preventDefault();
      dialog.close();
    } else if (event.key === "Enter") {
      event.preventDefault();
      // Typed faster than the results came: go with the results of what was typed.
      if (timer) {
        clearTimeout(timer);
        timer = null;
        search();
      }
      latest.then(() => {
        const item = options[selected];
        if (item) window.location.href = item.querySelector("a").href;
      });
    }
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-switcher-open]")) {
      event.preventDefault();
      open();
    }
  });
  // Capture phase: runs before the page's other shortcuts, which then leave the key alone.
  document.addEventListener(
    "keydown",
    (event) => {
      const ctrlK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k";
      const plainK = event.key === "k" && !event.ctrlKey && !event.metaKey && !event.altKey;
      if (!ctrlK && !plainK) return;
      if (plainK) {
        if (event.target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]")) return;
        if (document.querySelector("dialog[open]")) return;
      }
      event.preventDefault();
      open();
    },
    true,
  );
})();
