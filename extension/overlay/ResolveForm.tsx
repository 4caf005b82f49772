// The Resolve Escalation form (SPEC §5.6): reason, note (required for Other), the server's refusal shown in place.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ActionButton, ActionError } from './ActionButton';
import { noteRequiredMessage, resolveReasonsHint } from './banner-wording';
import { FieldError, invalidFieldProps } from './FieldError';
import type { OverlayActions } from './overlay-actions';
import type { ResolveReason, ResolveReasonOption } from './overlay-model';
import { useAction } from './use-action';

/** Notes are at most 2,000 characters (SPEC §5.6). */
export const RESOLVE_NOTE_MAX_LENGTH = 2000;

/** Props of {@link ResolveForm}. */
export interface ResolveFormProps {
  escalationId: string;
  /** The server's reasons, in the table's order (the first is preselected). */
  reasons: ResolveReasonOption[];
  /** The viewer is on the team or an admin; otherwise a hint warns that the server will refuse. */
  canResolve: boolean;
  /** False while Baton cannot be reached. */
  enabled: boolean;
  actions: OverlayActions;
  /** Cancel, Escape, or a successful resolve. */
  onClose: () => void;
}

/**
 * The resolve form. A blank note where one is required is caught here (nothing is sent); the
 * server's note field error shows in the same place; any other refusal (FORBIDDEN, CONFLICT) shows
 * under the form. What was typed is kept on every error.
 */
export function ResolveForm({ escalationId, reasons, canResolve, enabled, actions, onClose }: ResolveFormProps) {
  const [reason, setReason] = useState<ResolveReason | ''>(reasons[0]?.reason ?? '');
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const resolve = useAction();
  const select = useRef<HTMLSelectElement>(null);
  const noteBox = useRef<HTMLTextAreaElement>(null);
  const ids = { reason: useId(), note: useId(), hint: useId(), counter: useId(), noteError: useId(), permission: useId() };

  useEffect(() => select.current?.focus(), []);

  const selected = reasons.find((option) => option.reason === reason) ?? null;
  const hints = resolveReasonsHint(reasons);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (selected === null || resolve.pending) return;
    setFormError(null);
    if (selected.noteRequired && note.trim() === '') {
      setNoteError(noteRequiredMessage(selected.label));
      noteBox.current?.focus();
      return;
    }
    setNoteError(null);
    const result = await resolve.run(() => actions.resolve(escalationId, selected.reason, note.trim() === '' ? undefined : note), false);
    if (result === null) return;
    if (result.ok) {
      onClose();
      return;
    }
    const noteMessage = result.fieldErrors?.note ?? (result.field === 'note' ? result.message : undefined);
    if (noteMessage !== undefined) {
      setNoteError(noteMessage);
      noteBox.current?.focus();
    } else {
      setFormError(result.message);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || resolve.pending) return;
    event.stopPropagation();
    onClose();
  };

  return (
    <form className="baton-form" data-baton="resolve-form" aria-label="Resolve escalation" noValidate onSubmit={submit} onKeyDown={onKeyDown}>
      {!canResolve && (
        <p className="baton-form-hint" id={ids.permission}>
          Only the escalated team or an admin can resolve this escalation.
        </p>
      )}
      <div className="baton-field">
        <label htmlFor={ids.reason}>Reason</label>
        <select
          id={ids.reason}
          ref={select}
          data-baton="resolve-reason"
          value={reason}
          aria-describedby={hints.length > 0 ? ids.hint : undefined}
          onChange={(event) => {
            setReason(event.target.value as ResolveReason);
            setNoteError(null);
          }}
        >
          {reasons.map((option) => (
            <option key={option.reason} value={option.reason}>
              {option.label}
            </option>
          ))}
        </select>
        {hints.length > 0 && (
          <p className="baton-form-hint" id={ids.hint}>
            {hints.join(' ')}
          </p>
        )}
      </div>
      <div className="baton-field">
        <label htmlFor={ids.note}>{selected?.noteRequired ? 'Note (required)' : 'Note (optional)'}</label>
        <textarea
          id={ids.note}
          ref={noteBox}
          data-baton="resolve-note"
          rows={2}
          maxLength={RESOLVE_NOTE_MAX_LENGTH}
          value={note}
          {...invalidFieldProps(noteError, ids.noteError, ids.counter)}
          onChange={(event) => {
            setNote(event.target.value);
            if (noteError !== null && event.target.value.trim() !== '') setNoteError(null);
          }}
        />
        <div className="baton-field-foot">
          <FieldError id={ids.noteError} baton="resolve-note-error" message={noteError} />
          <span className="baton-counter" id={ids.counter}>
            {note.length} / {RESOLVE_NOTE_MAX_LENGTH}
          </span>
        </div>
      </div>
      <ActionError message={formError} baton="resolve-error" />
      <div className="baton-actions">
        <ActionButton
          baton="resolve-confirm"
          type="submit"
          variant="primary"
          label="Confirm Resolve"
          pending={resolve.pending}
          disabled={!enabled || selected === null}
          title={enabled ? undefined : 'Baton is offline'}
        />
        <ActionButton baton="resolve-cancel" label="Cancel" disabled={resolve.pending} onClick={onClose} />
      </div>
    </form>
  );
}
