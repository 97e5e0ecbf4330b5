// The call form: "Use this answer" beside the form copies a playbook answer into the form
// (the inquiry chosen and the answer given), and the caller's name gets the keyboard back.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-use-answer]");
  if (!button) return;
  const form = document.getElementById("call-form");
  if (!form) return;
  const inquiry = form.querySelector("[name=inquiry]");
  const answer = form.querySelector("[name=answer_given]");
  if (inquiry) inquiry.value = button.dataset.question;
  if (answer) {
    answer.value = button.dataset.answer;
    answer.focus();
  }
});
