// A form control's validation message, and the attributes that tie the control to it for screen readers.

/**
 * `aria-invalid` and `aria-describedby` for a control whose validation message renders as
 * `<FieldError id={errorId} … />`: invalid while there is a message, described by the message and by
 * `alsoDescribedBy` (a counter, a hint).
 *
 * @example <textarea {...invalidFieldProps(noteError, ids.noteError, ids.counter)} />
 */
export function invalidFieldProps(error: string | null, errorId: string, ...alsoDescribedBy: string[]) {
  const describedBy = error !== null ? [...alsoDescribedBy, errorId] : alsoDescribedBy;
  return {
    'aria-invalid': error !== null ? true : undefined,
    'aria-describedby': describedBy.length > 0 ? describedBy.join(' ') : undefined,
  };
}

/**
 * The message under a field (`role=alert`: read out when it appears). Renders nothing without a
 * message.
 */
export function FieldError({ id, baton, message }: { id: string; baton: string; message: string | null }) {
  if (message === null) return null;
  return (
    <p className="baton-field-error" id={id} data-baton={baton} role="alert">
      {message}
    </p>
  );
}
