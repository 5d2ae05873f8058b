/* Small behaviours of every page, kept out of the HTML so that the Content-Security-Policy (script-src 'self')
   allows no inline script or event handler:
   - <form data-autosubmit>: changing one of its selects submits it (a <noscript> button covers no JavaScript);
   - <a data-print>: prints the page;
   - <button data-copy="ID">: selects the text of element ID and copies it to the clipboard. */
(function () {
  "use strict";

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function ready() {
    each("form[data-autosubmit] select", function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    each("a[data-print]", function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        window.print();
      });
    });
    each("button[data-copy]", function (button) {
      button.addEventListener("click", function () {
        var area = document.getElementById(button.getAttribute("data-copy"));
        if (!area) { return; }
        area.select();
        if (navigator.clipboard) { navigator.clipboard.writeText(area.value); } else { document.execCommand("copy"); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
