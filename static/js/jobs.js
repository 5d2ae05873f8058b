/* The progress page of a background job (templates/indicators/jobs/job.html): polls the job's status JSON
   (data-job-status-url) every second until it is done or failed, moves the progress bar, and shows the download
   link when the file is ready. No inline script (Content-Security-Policy: script-src 'self'). */
(function () {
  "use strict";

  function update(box, status) {
    var bar = box.querySelector("progress");
    bar.value = status.percent;
    bar.textContent = status.percent + "%";
    box.querySelector(".job-percent").textContent = status.percent + "%";
    box.querySelector(".job-step").textContent = status.step;
    box.setAttribute("data-state", status.state);
    if (status.download_url) {
      var link = box.querySelector(".job-download a");
      link.href = status.download_url;
      link.textContent = link.textContent.split(" ")[0] + " " + status.filename;
      box.querySelector(".job-download").hidden = false;
    }
  }

  function poll(box) {
    var state = box.getAttribute("data-state");
    if (state === "done" || state === "failed") { return; }
    fetch(box.getAttribute("data-job-status-url"), {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status) { update(box, status); }
        window.setTimeout(function () { poll(box); }, 1000);
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 3000); });
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-job-status-url]"), poll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
