// Options › Guardrails: the patterns no AI draft may match (a match is not sent and escalates, SPEC §5.2).
import type { FieldErrors } from './field-errors';
import { InlineError } from './fields';

/** An editable list of regular expressions, each with its own inline error. */
export function GuardrailPatterns(props: { value: string[]; onChange(next: string[]): void; errors: FieldErrors }) {
  const { value, onChange, errors } = props;
  return (
    <div className="field patterns" data-field="guardrails.blockedPatterns">
      <span className="label">Blocked patterns</span>
      <p className="hint">Regular expressions, case-insensitive. An AI draft that matches one is not sent; the conversation escalates.</p>
      {value.length === 0 && <p className="empty">No blocked patterns.</p>}
      {value.map((pattern, index) => (
        <div key={index} className="pattern-row">
          <input
            name={`guardrails.blockedPatterns.${index}`}
            aria-label={`Blocked pattern ${index + 1}`}
            className="pattern"
            value={pattern}
            spellCheck={false}
            aria-invalid={errors[`guardrails.blockedPatterns.${index}`] ? true : undefined}
            onChange={(event) => onChange(value.map((current, i) => (i === index ? event.target.value : current)))}
          />
          <button type="button" className="icon" aria-label={`Remove blocked pattern ${index + 1}`} onClick={() => onChange(value.filter((_, i) => i !== index))}>
            ✕
          </button>
          <InlineError message={errors[`guardrails.blockedPatterns.${index}`]} />
        </div>
      ))}
      <button type="button" data-action="add-pattern" onClick={() => onChange([...value, ''])}>
        + Add pattern
      </button>
      <InlineError message={errors['guardrails.blockedPatterns'] ?? errors.guardrails} />
    </div>
  );
}
