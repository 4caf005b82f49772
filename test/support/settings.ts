// Changes a tenant's settings the way the options form does: read the current version, then update
// naming it (settings.update refuses a stale version with CONFLICT).
import type { SettingsUpdateInput } from '../../shared/settings.js';
import type { TestClient } from './trpc-client.js';

/** A settings patch without the version (the helper reads it). */
export type SettingsPatch = Omit<SettingsUpdateInput, 'expectedVersion'>;

/**
 * Reads the version as `client`, then updates with it; answers what settings.update answers.
 * @example await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } })
 */
export async function updateSettings(client: TestClient, patch: SettingsPatch) {
  const { version } = await client.settings.get.query();
  return client.settings.update.mutate({ ...patch, expectedVersion: version });
}
