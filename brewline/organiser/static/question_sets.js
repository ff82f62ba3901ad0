// The question set form: checks as the organiser types, and the options box only for
// questions with options. Without this script every button still posts the whole form
// and the page comes back with the same checks.
"use strict";
(function () {
  var form = document.getElementById("set-form");
  if (!form) return;
  var timer = null;

  function showOptions(select) {
    var card = select.closest(".question-card");
    var box = card && card.querySelector(".options-field");
    if (box) box.hidden = select.value !== "choice";
  }

  function item(level, message) {
    var li = document.createElement("li");
    li.className = "finding " + level;
    var strong = document.createElement("strong");
    strong.textContent = (level === "error" ? "Please fix" : "Worth a look") + ":";
    li.appendChild(strong);
    li.appendChild(document.createTextNode(" " + message));
    return li;
  }

  function fill(box, facts, findings) {
    box.textContent = "";
    if (facts) {
      var p = document.createElement("p");
      p.className = "fact";
      p.textContent = facts;
      box.appendChild(p);
    }
    if (findings && findings.length) {
      var ul = document.createElement("ul");
      ul.className = "findings";
      findings.forEach(function (f) { ul.appendChild(item(f.level, f.message)); });
      box.appendChild(ul);
    }
    box.parentElement.classList.toggle("has-findings", !!(findings && findings.length));
  }

  function summary(data) {
    var box = document.getElementById("check-summary");
    var text = data.errors ? data.errors + (data.errors === 1 ? " thing" : " things") +
      " to fix before publishing." : "Nothing to fix before publishing.";
    if (data.warnings) text += " " + data.warnings + " worth a look.";
    box.textContent = text;
    box.dataset.errors = data.errors;
  }

  function check() {
    fetch(form.dataset.check, {method: "POST", body: new FormData(form),
                               headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        form.querySelectorAll(".checks[data-field]").forEach(function (box) {
          var name = box.dataset.field;
          fill(box, data.facts[name], data.fields[name]);
        });
        summary(data);
      })
      .catch(function () { /* the next keystroke, or Save, checks again */ });
  }

  form.querySelectorAll("select.kind").forEach(function (select) {
    showOptions(select);
    select.addEventListener("change", function () { showOptions(select); });
  });
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
