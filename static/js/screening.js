// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");

// "Questions that would settle it" links jump to the question and put the keyboard in it.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.js-focus-question");
  if (!link) return;
  const question = document.querySelector(link.getAttribute("href"));
  if (!question) return;
  event.preventDefault();
  question.hidden = false;
  question.scrollIntoView({ block: "center" });
  const input = question.querySelector("input:not([type=hidden]):checked, input:not([type=hidden]), select, textarea");
  (input || question).focus({ preventScroll: true });
  history.replaceState(null, "", link.getAttribute("href"));
});
