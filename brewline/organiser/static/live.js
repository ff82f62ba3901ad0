// The live page updates itself: the room part is fetched every few seconds (the page
// works without this; the browser's refresh does the same).
"use strict";
(function () {
  var room = document.getElementById("room");
  var offline = document.getElementById("live-offline");
  if (!room) return;
  var every = (parseInt(room.dataset.every, 10) || 5) * 1000;
  function update() {
    fetch(room.dataset.part, {credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      })
      .then(function (html) {
        offline.hidden = true;
        var box = document.createElement("div");
        box.innerHTML = html;  // rendered and escaped by the server
        if (document.activeElement && room.contains(document.activeElement)) return;
        room.replaceChildren(box.firstElementChild);
      })
      .catch(function () {
        offline.textContent = "This page cannot reach Brewline just now. Callers stay in " +
          "the call. It will try again by itself.";
        offline.hidden = false;
      });
  }
  setInterval(update, every);
})();
