/* Small behaviours every page may use, declared in the HTML by data attributes instead of
   inline handlers (the Content-Security-Policy allows no inline script). Listeners sit on the
   document, so content swapped in by htmx works without re-binding.

   - <button data-print>: prints the page.
   - <select data-autosubmit>: submits its form when the choice changes.
   - <a data-follow-search data-format="csv">: an export link that takes the filters shown
     in the address bar (the student list filters as you type and updates the address). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    var link = event.target.closest("a[data-follow-search]");
    if (link) {
      var params = new URLSearchParams(window.location.search);
      params.delete("page");
      params.set("format", link.dataset.format);
      link.href = link.pathname + "?" + params.toString();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit")) return;
    if (!select.form) return;
    // requestSubmit fires the submit event (htmx and validation see it); submit() does not.
    if (typeof select.form.requestSubmit === "function") {
      select.form.requestSubmit();
    } else {
      select.form.submit();
    }
  });
})();
