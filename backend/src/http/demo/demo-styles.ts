// The demo helpdesk's stylesheet (served as /demo/assets/demo.css: the page's CSP allows no inline code).

/** A plain, neutral helpdesk look: grey chrome, blue accents, system font. */
export const DEMO_STYLES = String.raw`
*, *::before, *::after { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2937; background: #f3f4f6; }
button, input, select, textarea { font: inherit; color: inherit; }
[hidden] { display: none !important; }

#hd-app { display: grid; grid-template-columns: 320px minmax(0, 1fr); grid-template-rows: 52px minmax(0, 1fr); height: 100vh; }

.hd-topbar { grid-column: 1 / -1; display: flex; align-items: center; justify-content: space-between; padding: 0 20px; background: #1e293b; color: #e2e8f0; }
.hd-brand { display: inline-flex; align-items: center; gap: 10px; font-weight: 650; font-size: 15px; color: #fff; letter-spacing: .01em; }
.hd-brand::before { content: ""; width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, #60a5fa, #2563eb); box-shadow: inset 0 0 0 2px rgba(255,255,255,.25); }
.hd-signed-in { display: inline-flex; align-items: center; gap: 8px; font-size: 13px; color: #cbd5e1; }
.hd-signed-in::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #22c55e; }
.hd-signed-in b { color: #fff; font-weight: 600; }

.hd-sidebar { display: flex; flex-direction: column; min-height: 0; background: #fff; border-right: 1px solid #e5e7eb; }
.hd-sidebar-header { display: flex; align-items: center; justify-content: space-between; padding: 14px 16px 10px; border-bottom: 1px solid #eef0f3; }
.hd-sidebar-header h2 { margin: 0; font-size: 15px; font-weight: 650; }
.hd-count { min-width: 22px; padding: 1px 7px; border-radius: 999px; background: #e5e7eb; color: #374151; font-size: 12px; font-weight: 600; text-align: center; }
.hd-conversation-list { flex: 1; min-height: 0; overflow-y: auto; margin: 0; padding: 0; list-style: none; }
.hd-conversation-item a { display: flex; gap: 10px; padding: 11px 16px 11px 13px; border-left: 3px solid transparent; border-bottom: 1px solid #f1f3f5; color: inherit; text-decoration: none; }
.hd-conversation-item a:hover { background: #f8fafc; }
.hd-conversation-item a:focus-visible { outline: 2px solid #2563eb; outline-offset: -2px; }
.hd-conversation-item.is-active a { background: #eff6ff; border-left-color: #2563eb; }
.hd-avatar { flex: none; display: grid; place-items: center; width: 36px; height: 36px; border-radius: 50%; background: #dbeafe; color: #1d4ed8; font-size: 13px; font-weight: 650; }
.hd-conversation-text { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 2px; }
.hd-conversation-top { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; }
.hd-conversation-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.hd-conversation-time { flex: none; font-size: 12px; color: #6b7280; }
.hd-conversation-item small { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 13px; color: #6b7280; }
.hd-list-empty { margin: 0; padding: 24px 16px; color: #6b7280; text-align: center; }

.hd-new-customer { display: grid; gap: 8px; padding: 14px 16px 16px; border-top: 1px solid #e5e7eb; background: #f9fafb; }
.hd-new-customer h2 { margin: 0 0 2px; font-size: 13px; font-weight: 650; color: #374151; text-transform: uppercase; letter-spacing: .04em; }
.hd-form-row { display: grid; grid-template-columns: 1fr 92px; gap: 8px; }
.hd-new-customer input, .hd-new-customer select, .hd-new-customer textarea { width: 100%; padding: 7px 9px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; }
.hd-new-customer textarea { resize: vertical; }
.hd-new-customer button { justify-self: end; }

input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 2px solid #93c5fd; outline-offset: 0; border-color: #2563eb; }
button { padding: 7px 14px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; font-weight: 600; cursor: pointer; }
button:hover { background: #f9fafb; }
button:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
button:disabled { opacity: .6; cursor: default; }
.hd-new-customer button, .hd-send { border-color: #2563eb; background: #2563eb; color: #fff; }
.hd-new-customer button:hover, .hd-send:hover { background: #1d4ed8; }
.hd-form-error { margin: 0; min-height: 0; color: #b91c1c; font-size: 13px; }
.hd-form-error:empty { display: none; }

.hd-main { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.hd-empty { margin: auto; padding: 24px; color: #6b7280; font-size: 15px; text-align: center; }
.hd-thread { display: flex; flex-direction: column; flex: 1; min-height: 0; }
.hd-thread-header { display: flex; align-items: center; justify-content: space-between; gap: 16px; padding: 12px 24px; background: #fff; border-bottom: 1px solid #e5e7eb; }
.hd-thread-heading { display: flex; flex-direction: column; min-width: 0; }
.hd-thread-title { margin: 0; font-size: 18px; font-weight: 650; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.hd-thread-meta { font-size: 13px; color: #6b7280; }
.hd-thread-tools { display: flex; align-items: center; gap: 8px; }

.hd-messages { flex: 1; min-height: 0; overflow-y: auto; display: flex; flex-direction: column; gap: 14px; margin: 0; padding: 20px 24px; list-style: none; }
.hd-message { display: grid; grid-template-columns: max-content max-content 1fr; grid-template-areas: "author time ." "body body body"; align-items: baseline; column-gap: 8px; row-gap: 4px; max-width: min(72%, 640px); }
.hd-message-author { grid-area: author; font-size: 12px; font-weight: 650; color: #374151; }
.hd-message time { grid-area: time; font-size: 11px; color: #6b7280; }
.hd-message[data-channel="sms"] time::after { content: " · SMS"; }
.hd-message[data-channel="email"] time::after { content: " · Email"; }
.hd-message-body { grid-area: body; padding: 9px 13px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.hd-message--customer { align-self: flex-start; }
.hd-message--customer .hd-message-body { background: #fff; border: 1px solid #e5e7eb; border-top-left-radius: 4px; }
.hd-message--ai, .hd-message--agent { align-self: flex-end; grid-template-columns: 1fr max-content max-content; grid-template-areas: ". author time" "body body body"; }
.hd-message--ai .hd-message-body { background: #ede9fe; border: 1px solid #ddd6fe; border-top-right-radius: 4px; }
.hd-message--ai .hd-message-author { padding: 0 6px; border-radius: 4px; background: #6d28d9; color: #fff; font-size: 11px; letter-spacing: .04em; }
.hd-message--agent .hd-message-body { background: #dbeafe; border: 1px solid #bfdbfe; border-top-right-radius: 4px; }
.hd-message--agent .hd-message-author { color: #1d4ed8; }

.hd-composer { display: grid; grid-template-columns: auto 1fr auto; grid-template-areas: "body body body" "channel error send"; align-items: center; gap: 8px 10px; margin-bottom: 14px; padding: 12px 24px 14px; background: #fff; border-top: 1px solid #e5e7eb; }
.hd-composer textarea { grid-area: body; width: 100%; min-height: 64px; padding: 9px 11px; border: 1px solid #d1d5db; border-radius: 8px; resize: vertical; }
.hd-composer select { grid-area: channel; min-width: 88px; padding: 6px 8px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; }
.hd-composer .hd-form-error { grid-area: error; }
.hd-send { grid-area: send; min-width: 84px; }

.hd-customer-sim { display: grid; grid-template-columns: 1fr auto; grid-template-areas: "tag tag" "label button" "error error"; align-items: end; gap: 6px 10px; margin: 0 24px 14px; padding: 8px 12px 10px; border: 1px dashed #d4a72c; border-radius: 8px; background: #fffbeb; }
.hd-sim-tag { grid-area: tag; justify-self: start; padding: 0 6px; border-radius: 4px; background: #fde68a; color: #78350f; font-size: 11px; font-weight: 650; letter-spacing: .04em; text-transform: uppercase; }
.hd-customer-sim label { grid-area: label; display: grid; gap: 4px; font-size: 13px; font-weight: 600; color: #78350f; }
.hd-customer-sim textarea { width: 100%; min-height: 38px; padding: 7px 9px; border: 1px solid #e5d3a1; border-radius: 6px; background: #fff; font-weight: 400; resize: vertical; }
.hd-customer-sim .hd-form-error { grid-area: error; }
.hd-customer-sim button { grid-area: button; justify-self: end; margin-bottom: 2px; }
`;
