// Options page ↔ background requests (issue 10): connection, who I am, tenant settings and routing rules.
import type { RoutingRule, RoutingRuleInput } from '../../shared/routing-rules';
import type { ConnectorStatus, PublicTenantSettings, SettingsUpdate } from '../../shared/settings';
import type { ActionResult, BackendConfigView } from '../messaging';

/** `auth.me` as the pages need it. */
export interface MeView {
  agentId: string | null;
  displayName: string;
  role: 'agent' | 'admin' | 'superuser';
  tenantSlug: string;
  /** `api_key`, `jwt` or `dev_token`. */
  via: string;
  /** Admins and superusers may change settings and rules. */
  isAdmin: boolean;
}

/** Tenant settings with the version an update must name, and whether the caller may change them. */
export interface SettingsView {
  settings: PublicTenantSettings;
  version: number;
  canEdit: boolean;
  /** Why the form is read-only (`Only admins can change settings; you are signed in as an agent.`); null when editable. */
  readOnlyReason: string | null;
  /** The tenant's teams (the escalation-team picker); empty for callers who may not list them. */
  teams: { id: string; name: string }[];
}

/** The tenant's routing rules in order, with the version a save must name, and whether the caller may change them. */
export interface RulesView {
  rules: RoutingRule[];
  /** Pass as `expectedVersion` to `rules.save` (0: never saved). */
  version: number;
  canEdit: boolean;
  readOnlyReason: string | null;
}

export type OptionsRequest =
  /** Asks `auth.me` with the given URL/credential (blank: the saved ones) without saving anything. */
  | { type: 'connection.test'; url: string; credential: string }
  /** Forgets the saved credential (the URL stays); the event stream stops. */
  | { type: 'config.signOut' }
  | { type: 'me.get' }
  | { type: 'settings.get' }
  /** CONFLICT when another admin saved since `expectedVersion` (the form offers to reload). */
  | { type: 'settings.update'; expectedVersion: number; patch: SettingsUpdate }
  /** Admins: whether each configured connector works (`settings.connectorStatus`). */
  | { type: 'settings.connectorStatus' }
  | { type: 'rules.list' }
  /** CONFLICT when another admin saved the rules since `expectedVersion` (the editor offers to reload). */
  | { type: 'rules.save'; expectedVersion: number; rules: RoutingRuleInput[] };

export interface OptionsResponses {
  'connection.test': ActionResult<MeView>;
  'config.signOut': BackendConfigView;
  'me.get': ActionResult<MeView>;
  'settings.get': ActionResult<SettingsView>;
  'settings.update': ActionResult<SettingsView>;
  'settings.connectorStatus': ActionResult<ConnectorStatus[]>;
  'rules.list': ActionResult<RulesView>;
  'rules.save': ActionResult<RulesView>;
}
