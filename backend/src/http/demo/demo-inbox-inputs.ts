// zod schemas of the demo inbox's URLs and JSON bodies; every message names its field.
import { z } from 'zod';
import { ZChannel } from '../../../../shared/webhooks.js';

/** Empty strings (blank form fields) count as absent. */
const blankAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

const ZText = (max: number) => z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(max, { error: `must be at most ${max} characters` });

export const ZTenantSlug = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1–64 letters, digits, ".", "_" or "-"' });

/** The same shape the extension's demo adapter accepts as a thread reference. */
export const ZExternalId = z.string({ error: 'is required' }).regex(/^[A-Za-z0-9._:-]{1,255}$/, { error: 'must be 1–255 letters, digits, ".", "_", ":" or "-"' });

const ZEmail = z.email({ error: 'must be an email address' }).max(254, { error: 'must be at most 254 characters' });

/** POST customer-message: a new thread (no externalId) or a customer writing in an existing one. */
export const ZCustomerMessageInput = z.object({
  externalId: blankAsAbsent(ZExternalId),
  name: blankAsAbsent(ZText(200)),
  phone: blankAsAbsent(z.string().trim().regex(/^\+?[0-9 ().-]{3,32}$/, { error: 'must be a phone number such as +1 555 0100' })),
  email: blankAsAbsent(ZEmail),
  channel: ZChannel,
  body: ZText(20_000),
});
export type CustomerMessageInput = z.infer<typeof ZCustomerMessageInput>;

/** POST agent-message: the helpdesk agent sent a reply from the composer. */
export const ZAgentMessageInput = z.object({
  externalId: ZExternalId,
  agentEmail: ZEmail,
  channel: ZChannel,
  body: ZText(20_000),
  /** The composer's draft id; `demo:<draftId>` dedupes a send reported twice (page and extension). */
  draftId: z.string({ error: 'is required' }).regex(/^[A-Za-z0-9-]{1,100}$/, { error: 'must be 1–100 letters, digits or "-" (a UUID)' }),
  reportToBaton: z.boolean({ error: 'must be true or false' }),
});
export type AgentMessageInput = z.infer<typeof ZAgentMessageInput>;

/** The page's `?agent=` query parameter; anything else is ignored. */
export const ZAgentQuery = blankAsAbsent(ZEmail);

/** A 400 body naming each field at fault: `{ error: 'body: is required', field: 'body', fieldErrors }`. */
export function fieldErrorBody(error: z.ZodError, prefix: string[] = []): { error: string; field: string; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = [...prefix, ...issue.path.map(String)].join('.') || 'body';
    fieldErrors[field] ??= issue.message;
  }
  const fields = Object.keys(fieldErrors);
  return { error: fields.map((field) => `${field}: ${fieldErrors[field]}`).join('; '), field: fields[0]!, fieldErrors };
}
