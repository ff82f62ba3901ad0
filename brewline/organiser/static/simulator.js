// The phone simulator: send texts without reloading, show later texts, and simulate calls.
"use strict";
(function () {
  function bubble(b) {
    var li = document.createElement("li");
    li.className = "bubble " + b.who;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (b.who === "you" ? "You" : "Brewline") + ": ";
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = b.body;  // always text: never run what people typed
    li.append(who, body);  // no text node between them: the bubble starts with the words
    if (b.note) {
      var note = document.createElement("span");
      note.className = "note";
      note.textContent = b.note;
      li.append(note);
    }
    return li;
  }

  function showThread(list, bubbles) {
    if (list.dataset.shown === JSON.stringify(bubbles)) return;
    list.dataset.shown = JSON.stringify(bubbles);
    list.replaceChildren.apply(list, bubbles.map(bubble));
    if (list.lastElementChild) list.lastElementChild.scrollIntoView({block: "nearest"});
  }

  function textMode() {
    var form = document.getElementById("text-form");
    var list = document.getElementById("thread");
    if (!form || !list) return;
    var number = form.querySelector("[name=number]");
    var body = form.querySelector("[name=body]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var sending = body.value;
      fetch(form.action, {method: "POST", body: new FormData(form),
                          headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var problem = document.getElementById("sim-error");
          problem.textContent = data.error || "";
          if (data.error) return;
          if (body.value === sending) body.value = "";
          list.dataset.number = number.value;
          showThread(list, data.bubbles);
          body.focus();
        });
    });
    setInterval(function () {
      if (document.hidden) return;
      var url = list.dataset.url + "?number=" + encodeURIComponent(list.dataset.number);
      fetch(url, {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) showThread(list, data.bubbles); });
    }, 3000);
  }

  function callMode() {
    var root = document.getElementById("call");
    if (!root) return;
    var el = function (id) { return document.getElementById(id); };
    var state = {sid: null, screen: null, keys: "", lastLines: []};

    function speak(lines) {
      if (!window.speechSynthesis) return;
      window.speechSynthesis.cancel();
      lines.forEach(function (line) {
        var u = new SpeechSynthesisUtterance(line.text);
        u.rate = parseFloat(el("rate").value);
        u.lang = "en-GB";
        window.speechSynthesis.speak(u);
      });
    }

    function enable(screen) {
      var gather = screen && screen.gather;
      el("keypad").disabled = !(gather && gather.input.indexOf("dtmf") >= 0);
      el("speech-box").disabled = !(gather && gather.input.indexOf("speech") >= 0);
      el("record-box").disabled = !(screen && screen.record);
      el("call-silent").disabled = !(screen && screen.after_silence);
      el("call-hangup").disabled = !state.sid;
      el("call-repeat").disabled = !state.sid;
      el("call-start").disabled = !!state.sid;
    }

    function show(screen) {
      state.screen = screen;
      state.lastLines = screen.lines;
      screen.lines.forEach(function (line) {
        el("heard").append(bubble({who: "brewline", body: line.text, note: ""}));
      });
      if (el("heard").lastElementChild) el("heard").lastElementChild.scrollIntoView({block: "nearest"});
      speak(screen.lines);
      if (screen.ended) end("The call has ended.");
      else enable(screen);
    }

    function end(message) {
      state.sid = null;
      state.screen = null;
      enable(null);
      el("call-status").textContent = message;
    }

    function post(payload, said) {
      payload.number = el("call-number").value;
      payload.call_sid = state.sid;
      if (said) el("heard").append(bubble({who: "you", body: said, note: ""}));
      el("call-status").textContent = "";
      return fetch(root.dataset.url, {
        method: "POST", body: JSON.stringify(payload),
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRF-Token": root.dataset.csrf}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.error) { end(data.error); return; }
          state.sid = data.call_sid;
          show(data);
        });
    }

    function answer(fields, said) {
      var s = state.screen;
      var target = fields.recording_text !== undefined ? s.record : (s.gather || s.record);
      fields.action = target.action;
      if (target.transcribe) fields.transcribe = target.transcribe;
      state.keys = "";
      post(fields, said);
    }

    el("call-start").addEventListener("click", function () {
      el("heard").replaceChildren();
      post({}, null);
    });
    el("call-hangup").addEventListener("click", function () {
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      post({hangup: true}, null).then(function () { end("You hung up."); });
    });
    el("call-repeat").addEventListener("click", function () { speak(state.lastLines); });
    root.querySelectorAll("[data-key]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.key;
        var wanted = state.screen.gather.num_digits;
        if (key === "#" && !wanted && state.keys) { answer({digits: state.keys}, "(keys " + state.keys + ")"); return; }
        state.keys += key;
        if (!wanted || state.keys.length >= parseInt(wanted, 10) || key === "#") {
          answer({digits: state.keys}, "(pressed " + state.keys + ")");
        }
      });
    });
    el("speech-send").addEventListener("click", function () {
      var said = el("speech").value.trim();
      if (!said) return;
      el("speech").value = "";
      answer({speech: said}, said);
    });
    el("record-send").addEventListener("click", function () {
      var said = el("recording").value;
      el("recording").value = "";
      answer({recording_text: said}, "(recorded) " + said);
    });
    el("call-silent").addEventListener("click", function () {
      var after = state.screen.after_silence;
      el("heard").append(bubble({who: "you", body: "(silence)", note: ""}));
      if (after.redirect) {
        after.lines.forEach(function (line) {
          el("heard").append(bubble({who: "brewline", body: line.text, note: ""}));
        });
        post({action: after.redirect}, null);
        return;
      }
      show(after);
    });
    enable(null);
  }

  textMode();
  callMode();
})();
