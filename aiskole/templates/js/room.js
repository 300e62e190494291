// The room's only script (inline, allowed by its hash in the Content-Security-Policy). Without it every page
// still works: forms post and the server answers with a page. With it, answers are sent as JSON without a
// page load, and the page follows the presenter over server-sent events, reconnecting by itself.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var status = document.getElementById("room-status");
  if (!main || !window.fetch || !window.JSON) { return; }
  var dirty = false;

  function say(text, offline) {
    if (!status) { return; }
    status.textContent = text || "";
    status.className = "room-status" + (offline ? " room-offline" : "");
  }

  function swap(html, version, focus) {
    main.innerHTML = html;
    if (version !== undefined) { main.setAttribute("data-version", version); }
    dirty = false;
    bind();
    if (focus) {
      var target = main.querySelector("[data-focus]") || main.querySelector("h2") || main;
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  }

  function fieldsOf(form) {
    var data = {};
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.disabled) { continue; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { continue; }
      if (data.hasOwnProperty(el.name)) {
        if (!Array.isArray(data[el.name])) { data[el.name] = [data[el.name]]; }
        data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    }
    return data;
  }

  function send(form, event) {
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    say("Sender …");
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(fieldsOf(form))
    }).then(function (response) {
      return response.json().then(function (body) { return { response: response, body: body }; });
    }).then(function (r) {
      if (r.body && typeof r.body.html === "string") {
        swap(r.body.html, r.body.v, true);
        say(r.body.message || "");
      } else {
        throw new Error("no page");
      }
    }).catch(function () {
      if (button) { button.disabled = false; }
      say("Svaret er ikke sendt – forbindelsen svigtede. Dine svar står her stadig: tryk på knappen igen.", true);
    });
  }

  function bind() {
    var forms = main.querySelectorAll("form[data-room]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", send.bind(null, forms[i]));
      forms[i].addEventListener("input", function () { dirty = true; });
      forms[i].addEventListener("change", function () { dirty = true; });
    }
  }

  function refresh(active) {
    var url = main.getAttribute("data-page");
    if (!url) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var changed = body.active !== main.getAttribute("data-active");
        main.setAttribute("data-active", body.active || "");
        swap(body.html, body.v, changed);
        if (changed && body.message) { say(body.message); }
      })
      .catch(function () { say("Siden kunne ikke opdateres. Den prøver igen om lidt.", true); });
  }

  function listen() {
    var url = main.getAttribute("data-live");
    if (!url || !window.EventSource) { return; }
    var source = new EventSource(url);
    var lost = false;
    source.addEventListener("open", function () {
      if (lost) { say(""); lost = false; }
    });
    source.addEventListener("error", function () {
      lost = true;
      say("Forbindelsen til oplægsholderen er afbrudt – siden prøver igen af sig selv.", true);
    });
    source.addEventListener("state", function (event) {
      var state = JSON.parse(event.data);
      if (state.v === main.getAttribute("data-version")) { return; }
      var sameExercise = (state.active || "") === (main.getAttribute("data-active") || "");
      if (dirty && sameExercise) {
        main.setAttribute("data-version", state.v);
        return; // never throw away what the participant is typing
      }
      refresh(state.active);
    });
    source.addEventListener("results", function (event) {
      var results = JSON.parse(event.data);
      var target = document.getElementById("results");
      if (target && target.getAttribute("data-version") !== results.v) {
        target.innerHTML = results.html;
        target.setAttribute("data-version", results.v);
      }
    });
  }

  bind();
  listen();
})();
