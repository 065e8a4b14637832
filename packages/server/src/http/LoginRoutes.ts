/**
 * The `/login` page the bot's `/web` link opens (`/login?code=…`). A GET never consumes the code (link previews and
 * scanners fetch URLs): the page is the same static HTML for every request and the code stays in the address bar
 * until the person presses "Sign in"; then `/login.js` (a separate file, so a strict `script-src 'self'` holds) posts
 * it to `POST /api/auth/web-login`, keeps the token in sessionStorage and says who is signed in and what they can do
 * now, or why the link did not work. Everything shown is set as text, never as HTML. The full cabinet comes later.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect, Layer } from "effect"

/** Where the page keeps the signed-in session in the browser (sessionStorage, this tab only). */
export const LOGIN_TOKEN_KEY = "groupbuy.web.session"

const loginHtml = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>GroupBuy — вход</title>
<link rel="stylesheet" href="/login.css"></head>
<body>
<h1>GroupBuy</h1>
<main id="login">
<p id="intro">Вход по одноразовой ссылке из бота.</p>
<p><button id="sign-in" type="button" disabled>Войти</button></p>
<p id="status" role="status" aria-live="polite"></p>
<section id="done" hidden>
<p id="who"></p>
<p id="next-title"></p>
<ul>
<li><a id="to-chat" href="/"></a></li>
<li><a id="to-docs" href="/api/docs"></a> <span id="docs-hint"></span></li>
</ul>
</section>
<noscript><p>Для входа нужен JavaScript. / Signing in needs JavaScript.</p></noscript>
</main>
<script src="/login.js" defer></script>
</body></html>`

const loginCss = `body{font:16px system-ui,sans-serif;margin:0;padding:2rem;max-width:40rem}
button{font:inherit;padding:.5rem 1.5rem;cursor:pointer}#status.error{color:#b00020}code{font-size:.9em}`

// Plain ES2017 for every browser we care about; it reads the code from the address, never from the page.
const loginJs = `"use strict";
(function () {
  var texts = {
    ru: {
      title: "GroupBuy — вход",
      intro: "Вход по одноразовой ссылке из бота. Нажмите «Войти».",
      button: "Войти",
      signingIn: "Входим…",
      signedIn: "Вы вошли как {name}.",
      next: "Что можно сделать сейчас:",
      chat: "Чат с ботом прямо в браузере",
      docs: "Документация API",
      docsHint: "(вход сохранён в этой вкладке до {time}; запросы к API — с заголовком Authorization: Bearer)",
      noCode: "В ссылке нет кода для входа. Отправьте боту /web, чтобы получить новую ссылку.",
      refused: "Не удалось войти: {reason}. Отправьте боту /web, чтобы получить новую ссылку.",
      tooMany: "Слишком много попыток входа. Попробуйте снова через {seconds} с.",
      failed: "Не удалось связаться с сервером. Попробуйте ещё раз."
    },
    en: {
      title: "GroupBuy — sign in",
      intro: "Sign in with the one-time link from the bot. Press “Sign in”.",
      button: "Sign in",
      signingIn: "Signing in…",
      signedIn: "You are signed in as {name}.",
      next: "What you can do now:",
      chat: "Chat with the bot right in the browser",
      docs: "API documentation",
      docsHint: "(this tab stays signed in until {time}; send API requests with an Authorization: Bearer header)",
      noCode: "This link has no sign-in code. Send /web to the bot to get a new link.",
      refused: "Could not sign in: {reason}. Send /web to the bot to get a new link.",
      tooMany: "Too many sign-in attempts. Try again in {seconds} s.",
      failed: "Could not reach the server. Please try again."
    }
  };
  var language = /^ru\\b/i.test(navigator.language || "") ? "ru" : "en";
  var t = function (key, params) {
    return texts[language][key].replace(/\\{(\\w+)\\}/g, function (_, name) {
      return params && params[name] !== undefined ? String(params[name]) : "";
    });
  };
  var el = function (id) { return document.getElementById(id); };
  var button = el("sign-in");
  var status = el("status");
  var show = function (message, error) {
    status.textContent = message;
    status.className = error ? "error" : "";
  };
  document.documentElement.lang = language;
  document.title = t("title");
  el("intro").textContent = t("intro");
  button.textContent = t("button");
  var code = new URLSearchParams(window.location.search).get("code");
  if (!code || !code.trim()) {
    button.hidden = true;
    show(t("noCode"), true);
    return;
  }
  button.disabled = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    show(t("signingIn"), false);
    fetch("/api/auth/web-login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: code.trim() }),
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(
          function (body) { return { status: response.status, body: body }; },
          function () { return { status: response.status, body: {} }; }
        );
      })
      .then(function (result) {
        var body = result.body || {};
        if (result.status === 200 && typeof body.token === "string") {
          try {
            window.sessionStorage.setItem(
              "${LOGIN_TOKEN_KEY}",
              JSON.stringify({ token: body.token, expiresAt: body.expiresAt, user: body.user })
            );
          } catch (e) {}
          // the code is spent: drop it from the address bar and the history
          window.history.replaceState(null, "", window.location.pathname);
          var user = body.user || {};
          var name = [user.firstName, user.lastName].filter(function (p) { return p; }).join(" ");
          var expires = new Date(body.expiresAt);
          // from here on the page speaks the account's language, not the browser's
          if (user.language === "ru" || user.language === "en") {
            language = user.language;
            document.documentElement.lang = language;
            document.title = t("title");
          }
          el("intro").hidden = true;
          button.hidden = true;
          show("", false);
          el("who").textContent = t("signedIn", { name: name });
          el("next-title").textContent = t("next");
          el("to-chat").textContent = t("chat");
          el("to-docs").textContent = t("docs");
          el("docs-hint").textContent = t("docsHint", {
            time: isNaN(expires.getTime()) ? "" : expires.toLocaleString(language)
          });
          el("done").hidden = false;
          return;
        }
        if (result.status === 429) {
          var seconds = typeof body.retryAfter === "number" ? body.retryAfter : 60;
          show(t("tooMany", { seconds: seconds }), true);
          button.disabled = false;
          return;
        }
        if (typeof body[language] === "string") {
          button.hidden = true;
          show(t("refused", { reason: body[language] }), true);
          return;
        }
        show(t("failed"), true);
        button.disabled = false;
      })
      .catch(function () {
        show(t("failed"), true);
        button.disabled = false;
      });
  });
})();
`

const page = (body: string, contentType: string) =>
  Effect.sync(() =>
    HttpServerResponse.text(body, {
      contentType,
      // the page is the same for everyone, but a code in its URL must not end up in a shared cache
      headers: { "cache-control": "no-store" }
    })
  )

/** `GET /login` (the page), `/login.js` and `/login.css`; none of them reads or spends the code. */
export const LoginRoutes = Layer.mergeAll(
  HttpLayerRouter.add("GET", "/login", page(loginHtml, "text/html; charset=utf-8")),
  HttpLayerRouter.add("GET", "/login.js", page(loginJs, "application/javascript; charset=utf-8")),
  HttpLayerRouter.add("GET", "/login.css", page(loginCss, "text/css; charset=utf-8"))
)
