// The report's Print button; kept out of the template for the Content-Security-Policy.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
