// The room's only script (inline, allowed by its hash in the Content-Security-Policy). Without it every page
// still works: forms post and the server answers with a page. With it, answers are sent as JSON without a
// page load, and the page follows the presenter over server-sent events, reconnecting by itself: the browser
// retries a dropped connection, and when it gives up (the server answered with an error while it restarted,
// or a proxy had no server to send it to) the script opens a new one, waiting a little longer each time.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var status = document.getElementById("room-status");
  if (!main || !window.fetch || !window.JSON) { return; }
  var dirty = false;
  var source = null;
  var finished = false;
  var reconnectDelay = 1000;
  var refreshDelay = 1000;
  var MAX_DELAY = 15000;

  function say(text, offline) {
    if (!status) { return; }
    status.textContent = text || "";
    status.className = "room-status" + (offline ? " room-offline" : "");
  }

  function isClosed(version) {
    return String(version || "").indexOf("0-") === 0;
  }

  function swap(html, version, focus) {
    main.innerHTML = html;
    if (version !== undefined) { main.setAttribute("data-version", version); }
    dirty = false;
    bind();
    if (focus) {
      // what changed (a confirmation, the mistakes to fix), else the top of the new exercise
      var target = main.querySelector("[data-focus]") || document.getElementById("exercise-title") ||
        main.querySelector("h2") || main;
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
    if (isClosed(version)) { stop(); }
  }

  function fieldsOf(form) {
    var data = {};
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.disabled) { continue; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { continue; }
      if (Object.prototype.hasOwnProperty.call(data, el.name)) {
        if (!Array.isArray(data[el.name])) { data[el.name] = [data[el.name]]; }
        data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    }
    return data;
  }

  function readJson(response) {
    return response.json().then(function (body) { return { response: response, body: body }; });
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
    }).then(readJson).then(function (r) {
      if (r.body && typeof r.body.html === "string") {
        if (typeof r.body.active === "string") { main.setAttribute("data-active", r.body.active); }
        swap(r.body.html, r.body.v, true);
        // The page itself now says "Tak – dit svar er gemt" (or what to fix): the status line only says
        // what the page does not, that the presenter had moved on.
        say(r.response.status === 409 ? r.body.message || "" : "");
        if (r.response.ok) { forgetEditing(); }
        return;
      }
      if (button) { button.disabled = false; }
      var message = r.body && r.body.message;
      say(message || "Svaret er ikke sendt. Dine svar står her stadig: tryk på knappen igen.", true);
    }).catch(function () {
      if (button) { button.disabled = false; }
      say("Svaret er ikke sendt – forbindelsen svigtede. Dine svar står her stadig: tryk på knappen igen.", true);
    });
  }

  function forgetEditing() {
    // After "Ret dit svar" the address ends in ?ret=1; once the answer is saved a reload shows it, not the form.
    var page = (main.getAttribute("data-page") || "").split("?")[0];
    if (page && window.history && window.history.replaceState && window.location.search) {
      window.history.replaceState(null, "", page);
    }
  }

  function bind() {
    var forms = main.querySelectorAll("form[data-room]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", send.bind(null, forms[i]));
      forms[i].addEventListener("input", function () { dirty = true; });
      forms[i].addEventListener("change", function () { dirty = true; });
    }
  }

  function refresh() {
    var url = main.getAttribute("data-page");
    if (!url) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(readJson)
      .then(function (r) {
        var body = r.body || {};
        if (typeof body.html !== "string") { throw new Error("no page"); }
        refreshDelay = 1000;
        var active = body.active || "";
        var changed = active !== (main.getAttribute("data-active") || "");
        main.setAttribute("data-active", active);
        swap(body.html, body.v, changed);
        say(body.message || "");
      })
      .catch(function () {
        say("Siden kunne ikke opdateres. Den prøver igen om lidt.", true);
        window.setTimeout(refresh, refreshDelay);
        refreshDelay = Math.min(MAX_DELAY, refreshDelay * 2);
      });
  }

  function stop() {
    finished = true;
    if (source) { source.close(); source = null; }
  }

  function listen() {
    var url = main.getAttribute("data-live");
    if (finished || !url || !window.EventSource) { return; }
    source = new EventSource(url);
    var lost = false;
    source.addEventListener("open", function () {
      reconnectDelay = 1000;
      if (lost) { say(""); lost = false; }
    });
    source.addEventListener("error", function () {
      if (finished) { return; }
      lost = true;
      say("Forbindelsen til oplægsholderen er afbrudt – siden prøver igen af sig selv.", true);
      if (source && source.readyState === 2) {
        // The browser gave up on this connection: open a new one in a while.
        source.close();
        source = null;
        window.setTimeout(listen, reconnectDelay);
        reconnectDelay = Math.min(MAX_DELAY, reconnectDelay * 2);
      }
    });
    source.addEventListener("state", function (event) {
      var state = JSON.parse(event.data);
      if (lost) { say(""); lost = false; }
      if (state.v === main.getAttribute("data-version")) { return; }
      var sameExercise = (state.active || "") === (main.getAttribute("data-active") || "");
      if (dirty && sameExercise && state.open) {
        main.setAttribute("data-version", state.v);
        return; // never throw away what the participant is typing
      }
      refresh();
    });
    source.addEventListener("results", function (event) {
      var results = JSON.parse(event.data);
      var target = document.getElementById("results");
      if (target && results.html && target.getAttribute("data-version") !== results.v) {
        target.innerHTML = results.html;
        target.setAttribute("data-version", results.v);
      }
    });
  }

  bind();
  if (isClosed(main.getAttribute("data-version"))) { finished = true; }
  listen();
})();
