/* The interview page: a short welcome, then the rasa-webchat widget in full page.
 *
 * Works on the page server's own page and, unchanged, embedded in another site:
 *   <div id="interview" style="height: 640px"></div>
 *   <script src="https://BOT-HOST/chat.js" data-mount="#interview" async></script>
 * It loads config.js (the rasa socket URL) and the widget bundle from where it came from.
 *
 * What this adds around the widget (everything it shows is set with textContent, never as HTML):
 *  - progress ("Part 3 of 10 · Data preparation"), read from the bot's section-start texts;
 *  - a reminder of the open question when a participant comes back: "/greet" is sent once
 *    the socket is up again, and the bot re-asks the open question;
 *  - a connection banner; the answer box stays usable while the server is unreachable (the
 *    widget would disable it): answers typed meanwhile are kept (in localStorage, so a
 *    reload keeps them too) and sent when the connection returns; a button clicked
 *    meanwhile is refused with a message;
 *  - labels and keyboard access for the widget's controls (its buttons are plain divs);
 *  - after "delete my data" is confirmed, the browser forgets the conversation too (the
 *    widget's stored history, our keys), so the next visit starts at the welcome.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = new URL(".", script.src);
  var KEYS = { progress: "interview_progress", pending: "interview_pending", started: "interview_started" };
  var WIDGET_SESSION = "chat_session"; // where rasa-webchat keeps the conversation
  var PROGRESS = /Part (\d+) of (\d+) · ([^.]+)\./;
  var GREET = "/greet";
  // the bot's confirmation that the interview was erased (actions/deletion.py)
  var DELETED = /^Done: everything from this interview has been deleted/;
  var FORGET_AFTER_MS = 2500; // after the widget has shown (and stored) the message

  var WELCOME = {
    title: "Quality issues in machine learning software systems",
    lead: "An interview you do on your own, with a chat bot, in your own words.",
    points: [
      ["Who runs it", "A research team that studies quality issues in machine learning software systems. The bot asks the questions; researchers read the answers."],
      ["What is recorded", "Only what you type in this chat. The bot asks for your permission first; if you say no, nothing is kept. An anonymised transcript (names, companies and other identifying details removed) may be published for research. You can write \"delete my data\" at any time."],
      ["How long it takes", "About 30 to 45 minutes. You can write \"pause\" and come back later to this page, in the same browser: the conversation will be here."]
    ],
    start: "Start the interview"
  };

  var state = { connected: false, everConnected: false, inFlight: null };
  var ui = {};
  var widget = null;

  // ---------------------------------------------------------------- small helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: kept in memory only */ }
  }

  function loadScript(src, ready) {
    if (ready()) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var tag = el("script", { src: src });
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function hasHistory() {
    var session = load(WIDGET_SESSION, null);
    return !!(session && session.session_id && session.conversation && session.conversation.length);
  }

  // ---------------------------------------------------------------- the page
  function build(root) {
    root.classList.add("iv");
    ui.welcome = el("section", { class: "iv-welcome", "aria-labelledby": "iv-title" }, [
      el("h1", { id: "iv-title", text: WELCOME.title }),
      el("p", { class: "iv-lead", text: WELCOME.lead }),
      el("dl", {}, WELCOME.points.reduce(function (nodes, point) {
        return nodes.concat([el("dt", { text: point[0] }), el("dd", { text: point[1] })]);
      }, [])),
      ui.start = el("button", { type: "button", class: "iv-start", text: WELCOME.start }),
      el("p", { class: "iv-credits" }, [
        document.createTextNode("Chat widget: "),
        el("a", { href: new URL("vendor/rasa-webchat.LICENSE.txt", base).href, text: "rasa-webchat (Apache-2.0 licence)" })
      ])
    ]);
    ui.progressText = el("span", { class: "iv-progress-text", text: "Introduction" });
    ui.progressBar = el("progress", { max: "10", value: "0", "aria-hidden": "true" });
    ui.chat = el("section", { class: "iv-chat", "aria-label": "Interview chat", hidden: "" }, [
      el("header", { class: "iv-bar" }, [
        el("h1", { class: "iv-bar-title", text: WELCOME.title }),
        el("div", { class: "iv-progress", role: "status", "aria-live": "polite" }, [ui.progressText, ui.progressBar])
      ]),
      ui.status = el("p", { class: "iv-status", role: "alert", hidden: "" }),
      ui.pending = el("div", { class: "iv-pending", "aria-live": "polite", hidden: "" }),
      el("div", { class: "iv-body" }, [
        ui.widget = el("div", { class: "iv-widget" }),
        ui.waiting = el("p", { class: "iv-waiting", hidden: "" }, [
          el("span", { class: "iv-dots", "aria-hidden": "true" }),
          el("span", { text: "The interviewer is writing…" })
        ])
      ])
    ]);
    root.appendChild(ui.welcome);
    root.appendChild(ui.chat);
    showProgress(load(KEYS.progress, null));
    showPending();
  }

  function showProgress(progress) {
    if (!progress) return;
    ui.progressText.textContent = "Part " + progress.part + " of " + progress.total + " · " + progress.title;
    ui.progressBar.max = progress.total;
    ui.progressBar.value = progress.part;
  }

  function noteProgress(text) {
    var match = PROGRESS.exec(text || "");
    if (!match) return;
    var progress = { part: +match[1], total: +match[2], title: match[3] };
    save(KEYS.progress, progress);
    showProgress(progress);
  }

  function setStatus(message) {
    ui.status.textContent = message || "";
    ui.status.hidden = !message;
  }

  function setWaiting(on) {
    ui.waiting.hidden = !on;
  }

  // ---------------------------------------------------------------- answers typed while offline
  function showPending() {
    var pending = load(KEYS.pending, []);
    ui.pending.textContent = "";
    ui.pending.hidden = !pending.length;
    if (!pending.length) return;
    ui.pending.appendChild(el("p", { text: "Not sent yet, will be sent when the connection returns:" }));
    ui.pending.appendChild(el("ul", {}, pending.map(function (text) { return el("li", { text: text }); })));
  }

  function keep(text) {
    save(KEYS.pending, load(KEYS.pending, []).concat([text]));
    showPending();
  }

  function sendPending() {
    var pending = load(KEYS.pending, []);
    save(KEYS.pending, []);
    pending.forEach(function (text) { send(text, text); });
    showPending();
    return pending.length;
  }

  function send(payload, shown) {
    if (shown) {
      state.inFlight = shown;
      setWaiting(true);
    }
    widget.sendMessage(payload, shown || "");
  }

  function clearInput(box) {
    // the widget keeps the text in React state too: set it the way a user would
    var setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(box, "");
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("rw-sender")) return;
    var box = form.querySelector(".rw-new-message");
    var text = box ? box.value.trim() : "";
    if (!text) return;
    state.forgotten = false; // writing again after a deletion starts a new interview
    if (state.connected) {
      state.inFlight = text;
      setWaiting(true);
      return; // the widget sends it
    }
    event.preventDefault();
    event.stopPropagation();
    keep(text);
    clearInput(box);
  }

  function onReplyClick(event) {
    var reply = event.target.closest && event.target.closest(".rw-reply");
    if (!reply) return;
    if (state.connected) {
      state.inFlight = reply.textContent;
      setWaiting(true);
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    setStatus("Not connected: your choice \"" + reply.textContent + "\" was not sent. Choose it again when the connection is back.");
  }

  // ---------------------------------------------------------------- socket events
  function onBotUttered(message) {
    state.inFlight = null;
    setWaiting(false);
    noteProgress(message && message.text);
    if (message && DELETED.test(message.text || "")) {
      state.forgotten = true;
      setTimeout(forget, FORGET_AFTER_MS);
    }
  }

  function forget() {
    if (!state.forgotten) return; // the participant started a new interview meanwhile
    [WIDGET_SESSION, KEYS.progress, KEYS.pending, KEYS.started].forEach(function (key) {
      try { localStorage.removeItem(key); sessionStorage.removeItem(key); } catch (e) { /* nothing stored */ }
    });
    setStatus("Your interview was deleted, here and in this browser. Reload the page to start afresh.");
  }

  function onSessionConfirm() {
    // after the widget's own handlers (it stores the session, sends the first message)
    setTimeout(function () {
      var reconnect = state.everConnected;
      state.connected = true;
      state.everConnected = true;
      var comingBack = reconnect || state.returning;
      state.returning = false;
      setStatus(null);
      if (sendPending()) return; // the bot's answer to them is where we are
      if (comingBack) send(GREET); // the bot answers with a short line and the open question
    }, 0);
  }

  function onDisconnect() {
    state.connected = false;
    setWaiting(false);
    var lost = state.inFlight;
    state.inFlight = null;
    setStatus(
      "The connection to the interview server was lost. Trying again… What you type meanwhile is kept and sent when it is back." +
      (lost ? " Your last answer, \"" + lost + "\", may not have arrived: if the next question does not follow from it, please send it again." : "")
    );
  }

  function onConnectError() {
    if (state.connected) return;
    setStatus("Cannot reach the interview server right now. Trying again… What you type meanwhile is kept and sent when it is back.");
  }

  // ---------------------------------------------------------------- accessibility of the widget's DOM
  function label(node, attrs) {
    if (!node) return;
    Object.keys(attrs).forEach(function (name) {
      if (!node.hasAttribute(name)) node.setAttribute(name, attrs[name]);
    });
  }

  function enhance() {
    var root = ui.widget;
    var box = root.querySelector(".rw-new-message");
    if (box) {
      // the widget disables the box while offline; here answers are kept and sent later instead
      if (box.disabled) box.disabled = false;
      if (!ui.focused) box.focus(); // once, when the chat appears
      ui.focused = document.activeElement === box;
    }
    label(box, { "aria-label": "Your answer" });
    label(root.querySelector(".rw-messages-container"), { role: "log", "aria-label": "Conversation", tabindex: "0" });
    label(root.querySelector(".rw-send"), { "aria-label": "Send" });
    root.querySelectorAll(".rw-reply").forEach(function (reply) { label(reply, { role: "button", tabindex: "0" }); });
  }

  function onKeyDown(event) {
    var reply = event.target.closest && event.target.closest(".rw-reply");
    if (reply && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      reply.click();
    }
  }

  // ---------------------------------------------------------------- start
  function mountWidget(config) {
    ui.welcome.hidden = true;
    ui.chat.hidden = false;
    save(KEYS.started, true);
    new MutationObserver(enhance).observe(ui.widget, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"]
    });
    ui.widget.addEventListener("submit", onSubmit, true);
    ui.widget.addEventListener("click", onReplyClick, true);
    ui.widget.addEventListener("keydown", onKeyDown);
    window.WebChat.default({
      socketUrl: config.socketUrl,
      socketPath: config.socketPath,
      initPayload: GREET,
      customData: { page: location.origin },
      embedded: true,
      withRules: false,
      showCloseButton: false,
      hideWhenNotConnected: false,
      inputTextFieldHint: "Type your answer…",
      params: { storage: "local" },
      mainColor: "#1d4ed8",
      userBackgroundColor: "#1d4ed8",
      userTextColor: "#ffffff",
      assistBackgoundColor: "#eef1f6",
      assistTextColor: "#111827",
      customMessageDelay: function (text) { return Math.min(1200, Math.max(300, (text || "").length * 4)); },
      onSocketEvent: {
        bot_uttered: onBotUttered,
        session_confirm: onSessionConfirm,
        disconnect: onDisconnect,
        connect_error: onConnectError
      },
      innerRef: function (ref) { if (ref) widget = ref; }
    }, ui.widget);
  }

  function start() {
    var root = document.querySelector(script.getAttribute("data-mount") || "#interview");
    if (!root) {
      root = el("div", { id: "interview" });
      document.body.appendChild(root);
    }
    if (!document.querySelector("link[href$='chat.css']")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: new URL("chat.css", base).href }));
    }
    build(root);
    var ready = Promise.all([
      loadScript(new URL("config.js", base).href, function () { return !!window.INTERVIEW_CHAT_CONFIG; }),
      loadScript(new URL("vendor/rasa-webchat.js", base).href, function () { return !!window.WebChat; })
    ]);
    function go() {
      ready.then(function () { mountWidget(window.INTERVIEW_CHAT_CONFIG); }, function (error) {
        setStatus("The chat could not be loaded (" + error.message + "). Please reload the page.");
      });
    }
    state.returning = hasHistory();
    if (state.returning || load(KEYS.started, false)) {
      go();
    } else {
      ui.start.addEventListener("click", function () { go(); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
