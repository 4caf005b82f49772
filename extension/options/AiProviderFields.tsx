// Options › AI provider: built-in, or an OpenAI-compatible endpoint with URL, model and a write-only key.
import type { SettingsDraft } from './settings-draft';
import type { FieldErrors } from './field-errors';
import { Field, InlineError } from './fields';

type Ai = SettingsDraft['ai'];

/** The provider fields. The stored key is never shown: only whether one is set, and Replace / Remove. */
export function AiProviderFields(props: { value: Ai; onChange(next: Ai): void; errors: FieldErrors }) {
  const { value, onChange, errors } = props;
  const set = (change: Partial<Ai>) => onChange({ ...value, ...change });
  return (
    <div className="ai-provider">
      <Field label="Provider" name="ai.provider" error={errors['ai.provider']}>
        {(control) => (
          <select {...control} value={value.provider} onChange={(event) => set({ provider: event.target.value as Ai['provider'] })}>
            <option value="built_in">Built-in responder</option>
            <option value="openai_compatible">OpenAI-compatible endpoint</option>
          </select>
        )}
      </Field>
      {value.provider === 'openai_compatible' && (
        <>
          <Field label="Endpoint URL" name="ai.url" error={errors['ai.url']} hint="The chat-completions base URL, e.g. https://api.openai.com/v1">
            {(control) => <input {...control} type="url" value={value.url} onChange={(event) => set({ url: event.target.value })} />}
          </Field>
          <Field label="Model" name="ai.model" error={errors['ai.model']}>
            {(control) => <input {...control} type="text" value={value.model} onChange={(event) => set({ model: event.target.value })} />}
          </Field>
          <ApiKeyControl value={value} set={set} error={errors['ai.apiKey']} />
        </>
      )}
    </div>
  );
}

/** "A key is set" with Replace / Remove, or a box for a new key; the key itself never comes back from the server. */
function ApiKeyControl({ value, set, error }: { value: Ai; set(change: Partial<Ai>): void; error: string | undefined }) {
  if (value.hasApiKey && value.keyAction === 'keep') {
    return (
      <div className="field api-key" data-key-state="set">
        <span className="label">API key</span>
        <p>
          <span className="badge">A key is set</span> (write-only: it is never shown)
        </p>
        <div className="buttons">
          <button type="button" data-action="replace-key" onClick={() => set({ keyAction: 'replace', newKey: '' })}>
            Replace key
          </button>
          <button type="button" data-action="remove-key" onClick={() => set({ keyAction: 'remove' })}>
            Remove key
          </button>
        </div>
      </div>
    );
  }
  if (value.keyAction === 'remove') {
    return (
      <div className="field api-key" data-key-state="removing">
        <span className="label">API key</span>
        <p>The key will be removed when you save.</p>
        <button type="button" data-action="keep-key" onClick={() => set({ keyAction: 'keep' })}>
          Keep the key
        </button>
        <InlineError message={error} />
      </div>
    );
  }
  return (
    <Field
      label={value.hasApiKey ? 'New API key' : 'API key'}
      name="ai.apiKey"
      error={error}
      hint={value.hasApiKey ? 'Replaces the stored key when you save.' : 'Optional. Stored on the server; never shown again.'}
    >
      {(control) => (
        <span className="with-badge">
          <input {...control} type="password" autoComplete="off" value={value.newKey} onChange={(event) => set({ newKey: event.target.value, keyAction: event.target.value || value.hasApiKey ? 'replace' : 'keep' })} />
          {value.hasApiKey && (
            <button type="button" data-action="keep-key" onClick={() => set({ keyAction: 'keep', newKey: '' })}>
              Keep the current key
            </button>
          )}
        </span>
      )}
    </Field>
  );
}
