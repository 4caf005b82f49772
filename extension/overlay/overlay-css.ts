// The overlay's stylesheet, injected into each shadow root (createShadowRootUi's `css`): self-contained, AA contrast.

/**
 * CSS for the three shadow roots (`baton-header`, `baton-banners`, `baton-reply`). It relies on
 * nothing from the host page (WXT resets `:host` with `all: initial`), uses the system font, and
 * every text/background pair meets WCAG AA (ratios noted beside them). A plain string so it works
 * both in WXT (`createShadowRootUi(ctx, { css: overlayCss, … })`) and in jsdom tests.
 *
 * @example createShadowRootUi(ctx, { name: 'baton-banners', css: overlayCss, position: 'inline', anchor, onMount })
 */
export const overlayCss = String.raw`
:host { display: block !important; }
:host(baton-header) { display: inline-block !important; vertical-align: middle !important; }

.baton-root {
  box-sizing: border-box;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px;
  line-height: 1.4;
  color: #111827;
  text-align: left;
  letter-spacing: normal;
}
.baton-root *, .baton-root *::before, .baton-root *::after { box-sizing: inherit; }
.baton-root p, .baton-root h2 { margin: 0; }
.baton-stack, .baton-reply-stack { display: flex; flex-direction: column; width: 100%; }

/* Screen-reader-only text. */
.baton-sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}

/* Buttons: real <button>s, visible focus on every background (white gap + dark ring). */
.baton-button {
  display: inline-flex; align-items: center; gap: 6px; flex: none;
  min-height: 28px; padding: 3px 10px; margin: 0;
  font: inherit; font-size: 13px; font-weight: 600; line-height: 1.2; white-space: nowrap;
  border-radius: 6px; border: 1px solid #6b7280; cursor: pointer;
  background: #ffffff; color: #1f2937;                         /* 14.7:1 */
}
.baton-button--primary { background: #9a3412; border-color: #9a3412; color: #ffffff; } /* 7.3:1 */
.baton-button:hover:not(:disabled) { filter: brightness(0.95); }
.baton-button:disabled { cursor: not-allowed; opacity: 0.55; }
.baton-button[aria-busy="true"] { cursor: progress; opacity: 0.8; }
.baton-root :focus { outline: none; }
.baton-root :focus-visible {
  outline: 3px solid #111827; outline-offset: 2px; box-shadow: 0 0 0 2px #ffffff;
}
.baton-icon { flex: none; display: inline-block; vertical-align: middle; }

/* Header controls (inside the helpdesk's thread header). */
.baton-header { display: inline-flex; align-items: center; flex-wrap: wrap; gap: 6px; margin-inline-start: 8px; }
.baton-confirm {
  display: inline-flex; align-items: center; flex-wrap: wrap; gap: 6px; padding: 4px 8px;
  background: #fff7ed; color: #431407; border: 1px solid #9a3412; border-radius: 6px; /* 14.9:1 */
}

/* Banners: full-width bars, 40–56 px. */
.baton-banner { display: block; width: 100%; min-height: 40px; padding: 8px 12px; }
.baton-banner-row { display: flex; align-items: center; justify-content: space-between; flex-wrap: wrap; gap: 6px 12px; }
.baton-facts { display: flex; align-items: center; flex-wrap: wrap; gap: 2px 10px; flex: 1 1 auto; min-width: 0; }
.baton-facts > * + * { border-left: 1px solid currentColor; padding-left: 10px; }
.baton-banner-title { display: inline-flex; align-items: center; gap: 6px; font-weight: 700; }
.baton-fact--reason { overflow-wrap: anywhere; }

/* Escalation: white on red 6.5:1; facts #fee2e2 on red 5.3:1; white buttons with #7f1d1d 10:1. */
.baton-banner--escalation { background: #b91c1c; color: #ffffff; }
.baton-banner--escalation .baton-fact { color: #fee2e2; }
.baton-banner--escalation > .baton-banner-row .baton-button { background: #ffffff; color: #7f1d1d; border-color: #ffffff; }

/* Takeover: #1c1917 on orange 7.7:1; Release #431407 with white 15.6:1. */
.baton-banner--takeover { background: #fb923c; color: #1c1917; }
.baton-banner--takeover .baton-button { background: #431407; color: #ffffff; border-color: #431407; }
.baton-resumes[data-emphasised="true"] { font-weight: 700; }
.baton-resumes[data-emphasised="true"] .baton-countdown {
  display: inline-block; padding: 0 6px; border-radius: 4px; background: #431407; color: #ffffff; /* 15.6:1 */
  font-variant-numeric: tabular-nums;
}
/* Compact: one line, ~28 px, under an escalation banner. */
.baton-banner--compact { min-height: 28px; padding: 2px 12px; font-size: 13px; }
.baton-banner--compact .baton-banner-row, .baton-banner--compact .baton-facts { flex-wrap: nowrap; }
.baton-banner--compact .baton-facts { overflow: hidden; white-space: nowrap; }
.baton-banner--compact .baton-fact { overflow: hidden; text-overflow: ellipsis; }
.baton-banner--compact .baton-button { min-height: 22px; padding: 1px 8px; font-size: 12px; }

/* Scheduled reply: #1e1b4b on #eef2ff 14.3:1; primary white on #4338ca 7.9:1; secondary #3730a3 on white 9.9:1. */
.baton-banner--reply { background: #eef2ff; color: #1e1b4b; border-left: 4px solid #4338ca; }
.baton-banner--reply .baton-button { border-color: #4338ca; color: #3730a3; background: #ffffff; }
.baton-banner--reply .baton-button--primary { background: #4338ca; color: #ffffff; }
.baton-countdown { font-variant-numeric: tabular-nums; }
.baton-reply-body { margin: 4px 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.baton-reply-body--long { max-height: 7.5em; overflow: auto; }
.baton-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.baton-editor { display: grid; gap: 6px; margin: 6px 0; }

/* Failed delivery: #991b1b on #fef2f2 7.6:1. */
.baton-banner--failed { background: #fef2f2; color: #991b1b; border-left: 4px solid #b91c1c; }

/* Notices. */
.baton-notice { display: block; width: 100%; padding: 6px 12px; font-size: 13px; }
.baton-notice--offline { background: #e5e7eb; color: #111827; font-weight: 600; }  /* 14.3:1 */
.baton-notice--quiet { background: #f8fafc; color: #475569; }                        /* 7.2:1 */
.baton-notice--cooldown { background: #fef3c7; color: #78350f; }                     /* 8.2:1 */

/* Forms (white card inside a banner). */
.baton-form {
  display: grid; gap: 8px; max-width: 560px; margin-top: 8px; padding: 10px 12px;
  background: #ffffff; color: #111827; border-radius: 6px;
}
.baton-field { display: grid; gap: 3px; }
.baton-field label { font-size: 12px; font-weight: 700; }
.baton-root select, .baton-root textarea {
  width: 100%; margin: 0; padding: 4px 6px; font: inherit; font-size: 14px;
  color: #111827; background: #ffffff; border: 1px solid #6b7280; border-radius: 4px; /* border 4.8:1 */
}
.baton-root textarea { resize: vertical; min-height: 3em; }
.baton-root [aria-invalid="true"] { border-color: #991b1b; border-width: 2px; }
.baton-form-hint { font-size: 12px; color: #4b5563; }                                /* 7.6:1 */
.baton-field-foot { display: flex; align-items: baseline; gap: 8px; }
.baton-field-error { font-size: 13px; font-weight: 600; color: #991b1b; }              /* 8.3:1 */
.baton-counter { margin-left: auto; font-size: 12px; color: #4b5563; font-variant-numeric: tabular-nums; }
.baton-form .baton-button { background: #ffffff; color: #1f2937; border-color: #6b7280; }
.baton-form .baton-button--primary { background: #b91c1c; border-color: #b91c1c; color: #ffffff; } /* 6.5:1 */

/* Inline action errors: readable on every banner. */
.baton-error {
  width: fit-content; max-width: 100%; margin: 6px 0 0; padding: 3px 8px; font-size: 13px;
  background: #ffffff; color: #991b1b; border: 1px solid #991b1b; border-radius: 4px;   /* 8.3:1 */
}

/* Timeline drawer. */
.baton-drawer {
  width: 100%; max-height: 320px; overflow: auto; padding: 8px 12px;
  background: #ffffff; color: #111827; border: 1px solid #d1d5db;
}
.baton-drawer-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-bottom: 4px; }
.baton-drawer-title { font-size: 14px; font-weight: 700; }
.baton-muted { color: #4b5563; font-size: 13px; }
.baton-timeline-list { list-style: none; margin: 0 0 6px; padding: 0; }
.baton-timeline-entry {
  display: grid; grid-template-columns: minmax(4em, max-content) 1fr auto; gap: 10px;
  padding: 4px 0; border-bottom: 1px solid #e5e7eb; font-size: 13px;
}
.baton-timeline-actor { font-weight: 600; }
.baton-timeline-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.baton-timeline-entry--event .baton-timeline-text, .baton-timeline-entry--note .baton-timeline-text { color: #374151; font-style: italic; } /* 10.3:1 */
.baton-timeline-time { color: #4b5563; font-size: 12px; white-space: nowrap; font-variant-numeric: tabular-nums; }

@media (forced-colors: active) {
  .baton-banner, .baton-notice, .baton-drawer, .baton-confirm { border: 1px solid CanvasText; }
  .baton-button { border: 1px solid ButtonText; }
  .baton-root :focus-visible { outline-color: Highlight; }
}
`;
