// Connector failures never carry the connector's secrets (issue 14 item 5): their text is stored on
// the reply (`lastError`), shown on the banner and logged, and a remote server may echo what it got.
import type { ConnectorSettings } from '../../../shared/settings.js';
import type { Connector } from './connector.js';

export const HIDDEN = '[redacted]';
/** Shorter "secrets" (a test's "x") would blank ordinary words; real ones are far longer. */
const MIN_SECRET_LENGTH = 6;

/** The secrets of a tenant's connectors: RT and SMTP passwords, the Twilio auth token, the webhook secret. */
export function connectorSecrets(settings: ConnectorSettings): string[] {
  return [settings.rt?.password, settings.twilio?.authToken, settings.smtp?.password, settings.webhook?.secret].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH,
  );
}

/**
 * `text` with each secret (as written, URL-encoded or in base64, as in a Basic header) replaced by `[redacted]`.
 * @example hideSecrets('535 bad password hunter22', ['hunter22']) // '535 bad password [redacted]'
 */
export function hideSecrets(text: string, secrets: readonly string[]): string {
  let hidden = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])) hidden = hidden.split(form).join(HIDDEN);
  }
  return hidden;
}

/** The connector, its delivery failures' message and stack rid of `secrets` (the error keeps its type and fields). */
export function withSecretsHidden(connector: Connector, secrets: readonly string[]): Connector {
  if (secrets.length === 0) return connector;
  return {
    ...connector,
    async deliver(message) {
      try {
        await connector.deliver(message);
      } catch (error) {
        if (!(error instanceof Error)) throw new Error(hideSecrets(String(error), secrets));
        error.message = hideSecrets(error.message, secrets);
        if (error.stack) error.stack = hideSecrets(error.stack, secrets);
        throw error;
      }
    },
  };
}
