// Live preview of an invite while the organiser types (the Preview button works without it).
"use strict";
(function () {
  var form = document.getElementById("event-form");
  if (!form) return;
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    fetch(form.dataset.preview, {method: "POST", body: data, headers: {"X-Fragment": "1"}})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var old = document.getElementById("preview");
        var box = document.createElement("div");
        box.innerHTML = html;  // rendered and escaped by the server
        old.replaceWith(box.firstElementChild);
      });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
