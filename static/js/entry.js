/* The entry form's share preview: numerator ÷ denominator × 100 as typed, the value a save would store
   (the server computes it again). Loaded as a file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  var FULL_WIDTH = /[\uFF10-\uFF19\uFF0E\uFF0C\uFF05\uFF0B\uFF0D]/g;

  function toNumber(text) {
    var plain = (text || "").replace(FULL_WIDTH, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/[\s,]/g, "");
    return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(plain) ? parseFloat(plain) : NaN;
  }

  function halfUp(x, decimals) {  /* 四舍五入 as the server rounds, not toFixed's binary rounding */
    return Number(Math.round(Number(x + "e" + decimals)) + "e-" + decimals).toFixed(decimals);
  }

  function update(form, preview) {
    var number = preview.getAttribute("data-share-preview");
    var numerator = form.querySelector("[name='i" + number + "_numerator']");
    var denominator = form.querySelector("[name='i" + number + "_denominator']");
    if (!numerator || !denominator) return;
    var n = toNumber(numerator.value), d = toNumber(denominator.value);
    var decimals = parseInt(preview.getAttribute("data-decimals") || "2", 10);
    preview.textContent = (n >= 0 && d > 0 && n <= d) ? "= " + halfUp(n / d * 100, decimals) + "%" : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("entry-form");
    if (!form) return;
    form.addEventListener("input", function (event) {
      var number = event.target.getAttribute("data-indicator");
      if (!number) return;
      var preview = form.querySelector("[data-share-preview='" + number + "']");
      if (preview) update(form, preview);
    });
  });
})();
