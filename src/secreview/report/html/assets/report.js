// secreview HTML report: filters kept in the URL fragment, and jumps to evidence lines.
// Everything it shows comes from the page itself; it builds no HTML from strings.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  var lists = ["sev", "conf", "status"];
  var texts = ["cwe", "rule", "file"];
  var highlighted = null;

  function boxes(name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]'));
  }

  function current() {
    var state = {};
    lists.forEach(function (name) {
      var all = boxes(name);
      if (all.length) {
        state[name] = all.filter(function (b) { return b.checked; })
          .map(function (b) { return b.value; });
      }
    });
    texts.forEach(function (name) { state[name] = form.elements[name].value; });
    state.notes = form.elements.notes.checked;
    return state;
  }

  function encode(state) {
    var parts = [];
    lists.forEach(function (name) {
      if (state[name] && state[name].length !== boxes(name).length) {
        parts.push(name + "=" + state[name].map(encodeURIComponent).join(","));
      }
    });
    texts.forEach(function (name) {
      if (state[name]) { parts.push(name + "=" + encodeURIComponent(state[name])); }
    });
    if (state.notes) { parts.push("notes=1"); }
    return parts.join("&");
  }

  function decode(fragment) {
    var values = {};
    fragment.split("&").forEach(function (part) {
      var cut = part.indexOf("=");
      if (cut > 0) { values[part.slice(0, cut)] = part.slice(cut + 1); }
    });
    lists.forEach(function (name) {
      var chosen = name in values ? values[name].split(",").map(decodeURIComponent) : null;
      boxes(name).forEach(function (b) { b.checked = chosen === null || chosen.indexOf(b.value) >= 0; });
    });
    texts.forEach(function (name) {
      // A value a list has no option for leaves it on its first option: everything.
      form.elements[name].value = name in values ? decodeURIComponent(values[name]) : "";
    });
    form.elements.notes.checked = values.notes === "1";
  }

  function visible(finding, state) {
    return state.sev.indexOf(finding.severity) >= 0 &&
      state.conf.indexOf(finding.confidence) >= 0 &&
      (!state.cwe || String(finding.cwe) === state.cwe) &&
      (!state.rule || finding.rule === state.rule) &&
      (!state.file || finding.file.indexOf(state.file) >= 0) &&
      (!state.status || !finding.status || state.status.indexOf(finding.status) >= 0) &&
      (state.notes || !finding.note);
  }

  function apply(keepFragment) {
    var state = current();
    var count = 0;
    data.findings.forEach(function (finding) {
      var show = visible(finding, state);
      document.getElementById(finding.id).hidden = !show;
      if (show) { count += 1; }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".note-heading"), function (h) {
      h.hidden = !state.notes;
    });
    Array.prototype.forEach.call(document.querySelectorAll("section.file"), function (section) {
      var cards = section.querySelectorAll(".finding");
      var open = section.querySelectorAll(".finding:not([hidden])");
      section.hidden = cards.length > 0 && open.length === 0;
    });
    shown.textContent = "Showing " + count + " of " + data.findings.length + " findings.";
    if (!keepFragment) {
      var fragment = encode(state);
      history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
    }
  }

  function jump(id) {
    var target = document.getElementById(id);
    if (!target) { return; }
    for (var up = target; up; up = up.parentElement) {
      if (up.tagName === "DETAILS") { up.open = true; }
    }
    if (highlighted) { highlighted.classList.remove("hl"); }
    highlighted = target;
    target.classList.add("hl");
    target.scrollIntoView({ block: target.tagName === "DETAILS" ? "start" : "center" });
  }

  function load() {
    var fragment = location.hash.slice(1);
    if (fragment.indexOf("=") >= 0) {
      decode(fragment);
      apply(true);
    } else {
      decode("");
      apply(true);
      if (fragment) { jump(decodeURIComponent(fragment)); }
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link) { return; }
    event.preventDefault();  // the fragment holds the filters; a jump must not replace them
    jump(link.getAttribute("href").slice(1));
  });
  form.addEventListener("change", function () { apply(false); });
  form.addEventListener("input", function () { apply(false); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("hashchange", load);
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  load();
}());
