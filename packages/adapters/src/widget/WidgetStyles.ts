/// <reference lib="dom" />
/** The dark theme's colours: when the system prefers dark (unless the page sets light), or the page sets dark. */
const DARK_PALETTE = `
  --gb-bg: #16191d;
  --gb-fg: #e8eaed;
  --gb-muted: #9aa4b1;
  --gb-accent: #6f8dff;
  --gb-accent-fg: #0d1117;
  --gb-bot: #23272e;
  --gb-user: #263a6b;
  --gb-border: #343a43;
  --gb-shadow: 0 8px 30px rgba(0, 0, 0, 0.6);
`

/** The widget's stylesheet (inside its shadow root, so the host page's CSS and the widget's never mix). */
export const WIDGET_CSS = `
:host {
  --gb-bg: #ffffff;
  --gb-fg: #1b1f24;
  --gb-muted: #5f6b7a;
  --gb-accent: #2962ff;
  --gb-accent-fg: #ffffff;
  --gb-bot: #f0f2f5;
  --gb-user: #dbe6ff;
  --gb-border: #d5dae1;
  --gb-shadow: 0 8px 30px rgba(0, 0, 0, 0.18);
  all: initial;
  position: fixed;
  right: 20px;
  bottom: 20px;
  z-index: 2147483000;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--gb-fg);
}
@media (prefers-color-scheme: dark) {
  :host(:not([data-theme="light"])) { ${DARK_PALETTE} }
}
:host([data-theme="dark"]) { ${DARK_PALETTE} }
* { box-sizing: border-box; }
.gb-launcher {
  width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
  background: var(--gb-accent); color: var(--gb-accent-fg); box-shadow: var(--gb-shadow);
  display: flex; align-items: center; justify-content: center;
}
.gb-launcher svg { width: 28px; height: 28px; fill: currentColor; }
.gb-panel {
  position: absolute; right: 0; bottom: 0; width: 380px; height: min(600px, calc(100vh - 40px));
  display: none; flex-direction: column; overflow: hidden;
  background: var(--gb-bg); color: var(--gb-fg); border: 1px solid var(--gb-border); border-radius: 14px;
  box-shadow: var(--gb-shadow);
}
:host([data-open]) .gb-panel { display: flex; }
:host([data-open]) .gb-launcher { display: none; }
.gb-header {
  display: flex; align-items: center; gap: 8px; padding: 12px 14px; border-bottom: 1px solid var(--gb-border);
}
.gb-title { font-weight: 600; flex: 1; }
.gb-status { font-size: 12px; color: var(--gb-muted); }
.gb-close {
  border: none; background: transparent; color: var(--gb-fg); font-size: 22px; line-height: 1; cursor: pointer;
  width: 32px; height: 32px; border-radius: 8px;
}
.gb-messages { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.gb-message {
  max-width: 85%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere;
}
.gb-message.gb-bot { align-self: flex-start; background: var(--gb-bot); border-bottom-left-radius: 4px; }
.gb-message.gb-user { align-self: flex-end; background: var(--gb-user); border-bottom-right-radius: 4px; }
.gb-message.gb-system { align-self: center; background: transparent; color: var(--gb-muted); font-size: 13px; }
.gb-message a { color: var(--gb-accent); }
.gb-message code { font-family: ui-monospace, monospace; font-size: 0.92em; }
.gb-image { display: block; max-width: 100%; border-radius: 8px; margin-bottom: 6px; }
.gb-keyboard { display: flex; flex-direction: column; gap: 6px; margin-top: 8px; }
.gb-row { display: flex; gap: 6px; flex-wrap: wrap; }
.gb-button {
  flex: 1 1 auto; min-height: 36px; padding: 6px 10px; border-radius: 8px; cursor: pointer; font: inherit;
  border: 1px solid var(--gb-accent); background: var(--gb-bg); color: var(--gb-accent); text-align: center;
  text-decoration: none; white-space: normal;
}
.gb-button:hover { background: var(--gb-accent); color: var(--gb-accent-fg); }
.gb-toast {
  position: absolute; left: 50%; top: 56px; transform: translateX(-50%); max-width: 90%;
  background: var(--gb-fg); color: var(--gb-bg); padding: 6px 12px; border-radius: 8px; font-size: 13px;
}
.gb-form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid var(--gb-border); }
.gb-input {
  flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 9px 12px; font: inherit; color: var(--gb-fg);
  background: var(--gb-bg); border: 1px solid var(--gb-border); border-radius: 10px;
}
.gb-send {
  border: none; border-radius: 10px; padding: 0 14px; background: var(--gb-accent); color: var(--gb-accent-fg);
  font: inherit; font-weight: 600; cursor: pointer;
}
@media (max-width: 480px) {
  :host([data-open]) { right: 0; bottom: 0; left: 0; top: 0; }
  .gb-panel { position: fixed; inset: 0; width: 100vw; height: 100%; border-radius: 0; border: none; }
  .gb-message { max-width: 92%; }
}
`
