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

// After each answer the server says which questions still matter and which one to ask next
// (see screening.views.answer). Only attributes change here: inputs are left as typed.
document.addEventListener("screening:questions", (event) => {
  const visible = new Set(event.detail.visible);
  for (const question of document.querySelectorAll(".question[data-concept]")) {
    const code = question.dataset.concept;
    // Never hide the question the keyboard is in.
    question.hidden = !visible.has(code) && !question.contains(document.activeElement);
    const isNext = code === event.detail.next;
    question.classList.toggle("is-next", isNext);
    const label = question.querySelector(".next-label");
    if (label) label.hidden = !isNext;
  }
});

// The interview swaps its card (journey.views.interview_answer): the keyboard and screen
// readers are taken to the new card's heading, and the page scrolls back to it.
document.addEventListener("interview:shown", () => {
  const heading = document.getElementById("card-heading");
  if (!heading) return;
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "nearest" });
});
