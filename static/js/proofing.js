// Proofing in the portal: a click on a page pins the comment form to that spot (x/y in % of
// the page). Without this script the form still works with a page number only.
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  if (!form) return;
  var fieldX = form.querySelector("[data-pin-x]");
  var fieldY = form.querySelector("[data-pin-y]");
  var fieldPage = form.querySelector("[data-pin-page]");
  var body = form.querySelector("[data-pin-body]");
  var draft = null;

  function place(sheet, x, y) {
    if (!draft) {
      draft = document.createElement("span");
      draft.className = "proof-pin draft";
      draft.setAttribute("aria-hidden", "true");
      draft.textContent = "+";
    }
    draft.style.left = x + "%";
    draft.style.top = y + "%";
    sheet.appendChild(draft);
  }

  document.querySelectorAll("[data-pin-target]").forEach(function (sheet) {
    sheet.addEventListener("click", function (event) {
      if (event.target.closest(".proof-pin:not(.draft)")) return; // a pin links to its comment
      var box = sheet.getBoundingClientRect();
      var x = Math.min(100, Math.max(0, ((event.clientX - box.left) / box.width) * 100));
      var y = Math.min(100, Math.max(0, ((event.clientY - box.top) / box.height) * 100));
      x = Math.round(x * 100) / 100;
      y = Math.round(y * 100) / 100;
      fieldX.value = x.toFixed(2);
      fieldY.value = y.toFixed(2);
      fieldPage.value = sheet.closest("[data-page]").getAttribute("data-page");
      place(sheet, x, y);
      form.closest(".card").classList.add("pinning");
      body.focus({ preventScroll: true });
      form.closest(".card").scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  });

  // Choosing another page by hand drops the spot picked on the previous one.
  fieldPage.addEventListener("change", function () {
    fieldX.value = "";
    fieldY.value = "";
    if (draft && draft.parentNode) draft.parentNode.removeChild(draft);
  });
})();
