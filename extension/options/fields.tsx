// The options page's form building blocks: a labelled control with its hint and its inline error.
import { useId, type ReactNode } from 'react';
import { readable } from './field-errors';

/** The props a control receives to be tied to its label, hint and error. */
export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * A label, the control, a hint, and the field's error underneath (`role=alert`, class `field-error`).
 * `name` is the field's API path (`replyCadence.minDelaySeconds`): tests and server errors use it.
 *
 * @example <Field label="Minimum delay" name="replyCadence.minDelaySeconds" error={errors[...]}>{(p) => <input {...p} />}</Field>
 */
export function Field(props: { label: string; name: string; hint?: ReactNode; error?: string | null; children: (control: ControlProps) => ReactNode; className?: string }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : null;
  const errorId = props.error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-invalid': props.error ? true : undefined, 'aria-describedby': describedBy })}
      {props.hint && (
        <p id={hintId!} className="hint">
          {props.hint}
        </p>
      )}
      <InlineError id={errorId} message={props.error ?? null} />
    </div>
  );
}

/** An error under a control or a row; nothing without a message. */
export function InlineError({ id, message }: { id?: string | null; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p id={id ?? undefined} className="field-error" role="alert">
      {readable(message)}
    </p>
  );
}

/** A whole-number field typed as text, so a typo stays visible with its error instead of vanishing. */
export function NumberField(props: { label: string; name: string; unit: string; value: string; onChange(value: string): void; hint?: ReactNode; error?: string | null }) {
  return (
    <Field label={props.label} name={props.name} hint={props.hint} error={props.error} className="number-field">
      {(control) => (
        <span className="with-unit">
          <input {...control} type="text" inputMode="numeric" autoComplete="off" value={props.value} onChange={(event) => props.onChange(event.target.value)} />
          <span className="unit">{props.unit}</span>
        </span>
      )}
    </Field>
  );
}

/** A checkbox with its label to the right and a hint under it. */
export function Toggle(props: { label: string; name: string; checked: boolean; onChange(checked: boolean): void; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="field toggle">
      <input id={id} name={props.name} type="checkbox" checked={props.checked} onChange={(event) => props.onChange(event.target.checked)} aria-describedby={props.hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p id={`${id}-hint`} className="hint">
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** A titled part of the page. */
export function Section(props: { title: string; intro?: ReactNode; children: ReactNode; name: string }) {
  const id = useId();
  return (
    <section className="options-section" aria-labelledby={id} data-section={props.name}>
      <h2 id={id}>{props.title}</h2>
      {props.intro && <p className="intro">{props.intro}</p>}
      {props.children}
    </section>
  );
}
