// The Take Over button's hand icon (decorative: the button's text is its label).

/** A raised hand, 16 px, in the current text colour. */
export function HandIcon() {
  return (
    <svg className="baton-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        d="M18 11V6a2 2 0 0 0-4 0v5M14 10V4a2 2 0 0 0-4 0v6M10 10.5V6a2 2 0 0 0-4 0v8a8 8 0 0 0 8 8h2a6 6 0 0 0 6-6v-4a2 2 0 0 0-4 0"
      />
    </svg>
  );
}
