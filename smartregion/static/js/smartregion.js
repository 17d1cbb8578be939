// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Opening a "reject" panel moves focus to its reason field.
  document.body.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details.matches && details.matches("details.sr-reject") && details.open) {
      const field = details.querySelector("textarea");
      if (field) field.focus();
    }
  }, true);
});
