// Progressive enhancement of the search form (search/_listing.html): with htmx loaded, filters
// apply as they change, so the "Filter anwenden" button is hidden; after turning a page, focus
// moves to the results heading so keyboard and screen reader users land on the new results.
// Requests made while typing carry X-Search-Live, so the server does not log every unfinished
// word as a search without results (a change, i.e. leaving the field, or a submit still is).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search-form");
  if (!form || typeof htmx === "undefined") return;
  form.classList.add("sr-search--live");
  form.addEventListener("htmx:configRequest", (event) => {
    const trigger = event.detail && event.detail.triggeringEvent;
    if (trigger && trigger.type === "input") event.detail.headers["X-Search-Live"] = "1";
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const detail = event.detail || {};
    if (!detail.target || detail.target.id !== "search-region") return;
    const trigger = detail.requestConfig && detail.requestConfig.elt;
    if (trigger && trigger.tagName === "A") {
      const heading = document.getElementById("results-title");
      if (heading) heading.focus();
    }
  });
});
