// The options page's requests: test the connection, sign out, who am I, tenant settings and routing rules.
import type { RoutingRuleInput, VersionedRoutingRules } from '../../shared/routing-rules';
import type { SettingsUpdateInput, VersionedPublicSettings } from '../../shared/settings';
import type { BackgroundHandlers } from '../messaging';
import type { MeView, RulesView, SettingsView } from '../protocol/options';
import { actionFailure, isOffline, serverErrorCode, toActionFailure } from './action-result';
import { callCurrentBackend } from './backend-call';
import { BackendConfigError, forgetBackendCredential, loadBackendConfig, parseBackendConfig, parseUnderPolicy, redactBackendConfig, type BackendConfig } from './backend-config';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import { createBatonClient, type BatonClient } from './baton-client';
import { readManagedPolicy } from './managed-policy';

/** The request types this file answers. */
export type OptionsRequestType = 'connection.test' | 'config.signOut' | 'me.get' | 'settings.get' | 'settings.update' | 'settings.connectorStatus' | 'rules.list' | 'rules.save';
/** One handler per options request. */
export type OptionsHandlers = Pick<BackgroundHandlers, OptionsRequestType>;

/** What the handlers need: the saved backend, and a client factory for testing an unsaved one. */
export interface OptionsHandlerDeps {
  backend: BackendConnection;
  /** Builds a client for `connection.test` (default: HTTP, baton-client.ts); tests pass a fake. */
  createClient?: (config: BackendConfig) => BatonClient;
  /** A call with `backend` failed: the stream decides whether the credential was rejected. */
  onCredentialRejected?(backend: CurrentBackend, error: unknown): void;
}

/** Why a non-admin sees settings read-only. */
export function readOnlyReasonFor(me: Pick<MeView, 'isAdmin' | 'role'>): string | null {
  if (me.isAdmin) return null;
  return `Only admins can change settings; you are signed in as an ${me.role}.`;
}

/** `auth.me` as the pages need it. */
export function toMeView(me: { agentId: string | null; displayName: string; role: string; via: string; tenant: { slug: string } }): MeView {
  const role = me.role === 'admin' || me.role === 'superuser' ? me.role : 'agent';
  return { agentId: me.agentId, displayName: me.displayName, role, tenantSlug: me.tenant.slug, via: me.via, isAdmin: role !== 'agent' };
}

/** What `settings.get` / `settings.update` answer (update adds how many takeovers it rescheduled). */
type SettingsAnswer = VersionedPublicSettings & { rescheduledTakeovers?: number };

/**
 * Builds the options handlers. None throws across the message boundary: a tRPC error keeps its
 * code, message and field errors (inline errors); a network failure is `OFFLINE`; nothing saved is
 * `UNCONFIGURED`.
 *
 * @example
 * handleMessages({ ...createOptionsHandlers({ backend }) , … });
 */
export function createOptionsHandlers(deps: OptionsHandlerDeps): OptionsHandlers {
  const createClient = deps.createClient ?? ((config: BackendConfig) => createBatonClient(config));

  const attempt = <T>(call: (client: BatonClient) => Promise<T>) => callCurrentBackend(deps, call);

  async function meOf(client: BatonClient): Promise<MeView> {
    return toMeView(await client.auth.me.query());
  }

  /** The tenant's teams for the pickers; empty when the caller may not list them. */
  async function teamsOf(client: BatonClient): Promise<SettingsView['teams']> {
    try {
      const teams = await client.teams.list.query();
      return teams.map((team) => ({ id: team.id, name: team.name }));
    } catch (error) {
      if (isOffline(error)) throw error;
      return [];
    }
  }

  async function settingsViewOf(client: BatonClient, answer: SettingsAnswer): Promise<SettingsView> {
    const { version, canEdit, rescheduledTakeovers: _rescheduled, ...settings } = answer;
    const [who, teams] = await Promise.all([canEdit ? null : meOf(client), teamsOf(client)]);
    const readOnlyReason = canEdit ? null : ((who && readOnlyReasonFor(who)) ?? 'You may not change these settings.');
    return { settings, version, canEdit, readOnlyReason, teams };
  }

  /** `answer` null: the caller may not read the rules (shown empty, read-only, with why). */
  async function rulesViewOf(client: BatonClient, answer: VersionedRoutingRules | null): Promise<RulesView> {
    const me = await meOf(client);
    return { rules: answer?.rules ?? [], version: answer?.version ?? 0, canEdit: me.isAdmin, readOnlyReason: readOnlyReasonFor(me) };
  }

  return {
    'connection.test': async ({ url, credential }) => {
      const [saved, policy] = await Promise.all([loadBackendConfig(), readManagedPolicy()]);
      let config: BackendConfig;
      try {
        const input = { url: url.trim() === '' ? (saved?.url ?? '') : url, credential: credential.trim() === '' ? (saved?.credential ?? '') : credential };
        // A policy-set backend URL is the only one tested (as config.save): the saved credential never goes elsewhere.
        config = policy.backendUrl ? parseUnderPolicy(input, policy.backendUrl) : parseBackendConfig(input);
      } catch (error) {
        if (!(error instanceof BackendConfigError)) throw error;
        const [field = null, message = error.message] = Object.entries(error.fieldErrors)[0] ?? [];
        return { ok: false, code: 'BAD_REQUEST', message, field, fieldErrors: { ...error.fieldErrors } };
      }
      try {
        return { ok: true, value: await meOf(createClient(config)) };
      } catch (error) {
        const code = serverErrorCode(error);
        if (code === 'UNAUTHORIZED') return actionFailure(code, 'The backend refused this credential (wrong, revoked, or its agent was deactivated).');
        if (isOffline(error)) return actionFailure('OFFLINE', `No Baton backend answered at ${config.url}. Check the URL and that the backend is running.`);
        return toActionFailure(error);
      }
    },

    'config.signOut': async () => ({ ...redactBackendConfig(null), url: await forgetBackendCredential() }),

    'me.get': () => attempt(meOf),

    'settings.get': () => attempt(async (client) => settingsViewOf(client, await client.settings.get.query())),

    'settings.update': ({ expectedVersion, patch }) =>
      attempt(async (client) => {
        const input: SettingsUpdateInput = { ...patch, expectedVersion };
        return settingsViewOf(client, await client.settings.update.mutate(input));
      }),

    'settings.connectorStatus': () => attempt((client) => client.settings.connectorStatus.query()),

    'rules.list': () =>
      attempt(async (client) => {
        try {
          return await rulesViewOf(client, await client.rules.list.query());
        } catch (error) {
          // A backend that keeps rules admin-only: the agent sees why, not an error.
          if (serverErrorCode(error) === 'FORBIDDEN') return rulesViewOf(client, null);
          throw error;
        }
      }),

    // CONFLICT (field expectedVersion) when another admin saved meanwhile: the editor keeps the edits and offers to reload.
    'rules.save': ({ rules, expectedVersion }: { rules: RoutingRuleInput[]; expectedVersion: number }) =>
      attempt(async (client) => rulesViewOf(client, await client.rules.save.mutate({ rules, expectedVersion }))),
  };
}
