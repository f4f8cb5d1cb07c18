// Live graph in the bundle studio: ticking a prerequisite redraws the graph and the time limits
// from the server (graphs/ decides), before the change is saved. Without JavaScript the form still
// works: "保存前后关系" saves and the page shows the new graph.
(function () {
  "use strict";
  var form = document.getElementById("dependencies-form");
  if (!form) return;
  var graph = document.getElementById("graph");
  var promised = document.querySelector("[data-promised]");
  var statutory = document.querySelector("[data-statutory]");
  var problems = document.getElementById("graph-problems");
  var pending = null;

  function refresh() {
    var body = new FormData(form);
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.preview, { method: "POST", body: body, signal: pending.signal, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.svg) graph.innerHTML = data.svg;
        promised.textContent = data.promised_days === null || data.promised_days === undefined ? "—" : data.promised_days;
        statutory.textContent = data.statutory_days === null || data.statutory_days === undefined ? "—" : data.statutory_days;
        problems.innerHTML = "";
        (data.findings || []).forEach(function (message) {
          var li = document.createElement("li");
          li.className = "error";
          li.textContent = message;
          problems.appendChild(li);
        });
        form.dataset.previewed = String(Number(form.dataset.previewed || 0) + 1);
      })
      .catch(function () { /* a newer request replaced this one, or the network failed: the saved graph stays */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") refresh();
  });
})();
