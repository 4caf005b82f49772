// Picks the connector per outbound message (issue 12 item 4, SPEC §7): a conversation that lives on
// an RT ticket is answered in RT; otherwise SMS leaves by the tenant's Twilio, email by its SMTP, else
// by its webhook, else by the process default (BATON_OUTBOUND_WEBHOOK_* or the embedded outbox).
// Connectors are built from the tenant's settings and kept while its connector settings stay the same.
import type { DataSource, EntityManager } from 'typeorm';
import type { ConnectorSettings, SmtpSettings, TenantSettings, TwilioSettings } from '../../../shared/settings.js';
import type { Channel } from '../db/entities/conversation.entities.js';
import { findFirstRef } from '../features/conversations/helpdesk-location.js';
import type { Logger } from '../logger.js';
import { readTenantSettings } from '../platform/tenant-settings.js';
import type { Connector, ConnectorChoice, OutboundMessage } from './connector.js';
import { createRtConnector, RT_CONNECTOR } from './rt/rt.connector.js';
import { DEFAULT_RT_TIMEOUT_MS } from './rt/rt-client.js';
import { withDeliveryHealth } from './delivery-health.js';
import { createWebhookConnector } from './webhook.connector.js';
import { connectorSecrets, withSecretsHidden } from './secret-hiding.js';

/** One attempt's timeout for the connectors whose settings have none (Twilio, SMTP). */
export const DEFAULT_CONNECTOR_TIMEOUT_MS = 10_000;
/** The largest `connectors.webhook.timeoutMs` settings accept (shared/settings.ts). */
const MAX_WEBHOOK_TIMEOUT_MS = 30_000;
/** How long the deliver job's handover may use a tenant's connectors without re-reading its settings (a timing hint only). */
const HANDOVER_HINT_MS = 5_000;
const MAX_CACHED_REFS = 10_000;

/** Builders of the connectors written elsewhere (twilio.connector.ts, smtp.connector.ts); a missing one is skipped. */
export interface ConnectorFactories {
  twilio?: (config: TwilioSettings & { timeoutMs?: number }) => Connector;
  smtp?: (config: SmtpSettings & { timeoutMs?: number }) => Connector;
}

/** A tenant's connectors as built from its settings; null: not configured (or not buildable). */
export type TenantConnectors = Record<keyof ConnectorSettings, Connector | null>;

export interface ConnectorRegistry extends Connector, ConnectorChoice {
  /** The tenant's connectors as built from its current settings. */
  tenantConnectors(tenantId: string): Promise<TenantConnectors>;
}

/** The rule of the header comment, as data in, connector out. */
export function chooseConnector(built: TenantConnectors, fallback: Connector, refConnector: string | null, channel: Channel): Connector {
  if (refConnector === RT_CONNECTOR && built.rt) return built.rt;
  if (channel === 'sms' && built.twilio) return built.twilio;
  if (channel === 'email' && built.smtp) return built.smtp;
  return built.webhook ?? fallback;
}

export function createConnectorRegistry(options: { db: DataSource; log: Logger; fallback: Connector; factories?: ConnectorFactories }): ConnectorRegistry {
  const { db, log, fallback } = options;
  const factories = options.factories ?? {};
  /** `document`: the settings copy they were last checked against (the process cache shares one frozen copy until it changes). */
  const byTenant = new Map<string, { document: TenantSettings; readAt: number; connectorsJson: string; built: TenantConnectors }>();
  /** Conversation id → its first reference's connector (a first reference never changes). */
  const refConnectors = new Map<string, string>();

  function build(tenantId: string, settings: ConnectorSettings): TenantConnectors {
    // A remote may echo a secret in its refusal; the failure text is stored, shown and logged (issue 14 item 5).
    const secrets = connectorSecrets(settings);
    const attempt = (kind: keyof ConnectorSettings, make: () => Connector | null): Connector | null => {
      try {
        const connector = make();
        return connector && withSecretsHidden(connector, secrets);
      } catch (error) {
        log.warn({ tenantId, connector: kind, error: (error as Error).message }, 'connector settings could not be used; messages fall back to the next connector');
        return null;
      }
    };
    const withHealth = (connector: Connector | null, kind: string) => connector && withDeliveryHealth(connector, { db, log, tenantId, kind });
    const { rt, twilio, smtp, webhook } = settings;
    const missing = (kind: 'twilio' | 'smtp') => {
      log.warn({ tenantId, connector: kind }, `the ${kind} connector is configured but not available in this build; messages fall back to the next connector`);
      return null;
    };
    return {
      rt: rt && attempt('rt', () => createRtConnector({ ...rt, timeoutMs: DEFAULT_RT_TIMEOUT_MS })),
      twilio: twilio && attempt('twilio', () => (factories.twilio ? factories.twilio({ ...twilio, timeoutMs: DEFAULT_CONNECTOR_TIMEOUT_MS }) : missing('twilio'))),
      smtp: smtp && attempt('smtp', () => (factories.smtp ? factories.smtp({ ...smtp, timeoutMs: DEFAULT_CONNECTOR_TIMEOUT_MS }) : missing('smtp'))),
      // Its failures show on /healthz (delivery-health.ts) while they last, recorded once rid of secrets.
      webhook: webhook && withHealth(attempt('webhook', () => createWebhookConnector({ url: webhook.url, secret: webhook.secret, timeoutMs: webhook.timeoutMs })), 'webhook'),
    };
  }

  async function tenantConnectors(tenantId: string, manager: EntityManager = db.manager): Promise<TenantConnectors> {
    // The process's settings copy (platform/tenant-settings.ts): dropped by `settings.changed`, so a
    // connector saved in any process is used from the next delivery on, without a read per delivery.
    const settings = await readTenantSettings(manager, tenantId);
    const cached = byTenant.get(tenantId);
    if (cached?.document === settings) {
      cached.readAt = Date.now();
      return cached.built;
    }
    // Another setting changed (cadence, hours…): the connectors stay as built.
    const connectorsJson = JSON.stringify(settings.connectors);
    if (cached?.connectorsJson === connectorsJson) {
      Object.assign(cached, { document: settings, readAt: Date.now() });
      return cached.built;
    }
    const built = build(tenantId, settings.connectors);
    byTenant.set(tenantId, { document: settings, readAt: Date.now(), connectorsJson, built });
    // The replaced ones may hold connections (SMTP pools); a delivery still using one finishes first.
    if (cached) setTimeout(() => closeAll(cached.built), DEFAULT_CONNECTOR_TIMEOUT_MS * 3).unref();
    return built;
  }

  function closeAll(built: TenantConnectors): void {
    for (const connector of Object.values(built)) {
      try {
        connector?.close?.();
      } catch (error) {
        log.debug({ err: error }, 'closing a replaced connector failed');
      }
    }
  }

  async function refConnectorOf(manager: EntityManager, tenantId: string, conversationId: string): Promise<string | null> {
    const known = refConnectors.get(conversationId);
    if (known !== undefined) return known;
    const ref = await findFirstRef(manager, tenantId, conversationId);
    if (!ref) return null; // it may get one later: not cached
    if (refConnectors.size >= MAX_CACHED_REFS) refConnectors.delete(refConnectors.keys().next().value!);
    refConnectors.set(conversationId, ref.connector);
    return ref.connector;
  }

  const connectorFor = async (message: OutboundMessage) =>
    chooseConnector(await tenantConnectors(message.tenantId), fallback, message.externalConversation?.connector ?? null, message.channel);

  // RT makes two calls per delivery (rt.connector.ts).
  const maxTimeoutMs = Math.max(fallback.timeoutMs, MAX_WEBHOOK_TIMEOUT_MS, DEFAULT_RT_TIMEOUT_MS * 2, DEFAULT_CONNECTOR_TIMEOUT_MS);
  return {
    name: 'tenant-connectors',
    timeoutMs: maxTimeoutMs,
    maxTimeoutMs,
    async deliver(message) {
      await (await connectorFor(message)).deliver(message);
    },
    connectorFor,
    async timeoutMsFor(manager, tenantId, conversationId, channel) {
      // Inside the cut-off's transaction: recent settings are good enough for a timing hint.
      const cached = byTenant.get(tenantId);
      const built = cached && Date.now() - cached.readAt < HANDOVER_HINT_MS ? cached.built : await tenantConnectors(tenantId, manager);
      if (!built.rt && !built.twilio && !built.smtp && !built.webhook) return fallback.timeoutMs;
      return chooseConnector(built, fallback, await refConnectorOf(manager, tenantId, conversationId), channel).timeoutMs;
    },
    tenantConnectors: (tenantId) => tenantConnectors(tenantId),
  };
}
