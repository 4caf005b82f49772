// Applies a settings.update patch to the tenant's stored connectors (issue 12 item 4): given fields
// replace the stored ones, a secret left out keeps the stored one, null removes the connector.
import { CONNECTOR_KINDS, type ConnectorSettings, type ConnectorSettingsPatch } from '../../../../shared/settings.js';

const definedFields = (patch: object) => Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));

/**
 * The connectors after the patch, not yet validated: the caller parses the whole settings document,
 * so a new connector that lacks a field is refused with that field's name.
 * @example patchConnectors(stored, { rt: { pollIntervalMs: 5000 } }) // the stored rt settings, password kept, polling every 5 s
 */
export function patchConnectors(stored: ConnectorSettings, patch: ConnectorSettingsPatch | undefined): Record<keyof ConnectorSettings, unknown> {
  const next: Record<string, unknown> = { ...stored };
  if (!patch) return next as Record<keyof ConnectorSettings, unknown>;
  for (const kind of CONNECTOR_KINDS) {
    const change = patch[kind];
    if (change === undefined) continue;
    next[kind] = change === null ? null : { ...(stored[kind] ?? {}), ...definedFields(change) };
  }
  return next as Record<keyof ConnectorSettings, unknown>;
}
