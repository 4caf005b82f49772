// Builds every service from the infrastructure (STYLE.md habit 5: injection, not module mocks).
import { Authenticator, type AuthSettings } from '../auth/authenticator.js';
import { COOLDOWN_BY_ENVIRONMENT } from '../env.js';
import { createEscalationsService } from './escalations/escalations.service.js';
import { createTasksService } from './tasks/tasks.service.js';
import { createNotificationsService } from './notifications/notifications.service.js';
import { createRulesService } from './settings/rules.service.js';
import { createSlaService } from './escalations/sla.service.js';
import { createAgentsService } from './admin/agents.service.js';
import { createApiKeysService } from './admin/api-keys.service.js';
import { createTeamsService } from './admin/teams.service.js';
import { createWebhookSecretService } from './admin/webhook-secret.service.js';
import { createEventsService } from './events/events.service.js';
import { createTenantsService } from './admin/tenants.service.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { createConversationsService } from './conversations/conversations.service.js';
import { createInboundService } from './inbound/inbound.service.js';
import { createSettingsService } from './settings/settings.service.js';
import { createRepliesService } from './replies/replies.service.js';
import type { DeliveryPolicy } from '../domain/delivery-policy.js';
import { createMessagesService } from './replies/messages.service.js';
import { createDraftingService } from './replies/drafting.service.js';
import type { Connector } from '../connectors/connector.js';
import { outboxConnector } from '../connectors/outbox.connector.js';
import type { Drafter } from '../ai/drafter.js';
import { ruleBasedResponder } from '../ai/rule-based-responder.js';
import type { RandomSource } from '../domain/cadence.js';
import type { Infrastructure } from '../platform/unit-of-work.js';
import { unlimited, type RateLimits } from '../platform/rate-limit/rate-limits.js';

/** What conversations use from outside; unset: the embedded defaults (outbox connector, rule-based drafter). */
export interface ConversationAdapters {
  /** Outbound delivery (main.ts picks it from the environment: connectors/connector-from-env.ts). */
  connector?: Connector;
  drafter?: Drafter;
  random?: RandomSource;
  delivery?: DeliveryPolicy;
  /** The abuse limits (issue 14 item 5); unset: none (services called without HTTP, as in many tests). */
  rateLimits?: RateLimits;
}

/** Authentication settings, and the escalation cooldown (default: by BATON_ENV). */
export type ServiceSettings = AuthSettings & { cooldownSeconds?: number };

export function createServices(infra: Infrastructure, settings: ServiceSettings, jobs: Scheduler, adapters: ConversationAdapters = {}) {
  const connector = adapters.connector ?? outboxConnector;
  const authenticator = new Authenticator(infra, settings);
  const conversations = createConversationsService(infra, jobs);
  const escalations = createEscalationsService(infra, jobs, { cooldownSeconds: settings.cooldownSeconds ?? COOLDOWN_BY_ENVIRONMENT[settings.batonEnv] }, conversations);
  // A committed credential change (performed from the outbox) forgets this process's cached principals.
  infra.caches?.onCredentialsChanged(() => authenticator.invalidateAll());
  return {
    infra,
    authenticator,
    rateLimits: adapters.rateLimits ?? unlimited,
    tenants: createTenantsService(infra),
    agents: createAgentsService(infra),
    teams: createTeamsService(infra),
    apiKeys: createApiKeysService(infra),
    webhookSecret: createWebhookSecretService(infra),
    events: createEventsService(infra, authenticator),
    jobs,
    inbound: createInboundService(infra, jobs, { escalations, conversations }),
    conversations,
    escalations,
    tasks: createTasksService(infra, escalations),
    notifications: createNotificationsService(infra),
    rules: createRulesService(infra),
    sla: createSlaService(infra, escalations),
    settings: createSettingsService(infra, jobs),
    replies: createRepliesService(infra, jobs, connector, adapters.delivery),
    messages: createMessagesService(infra, jobs, connector, escalations, adapters.delivery),
    drafting: createDraftingService(infra, jobs, adapters.drafter ?? ruleBasedResponder, adapters.random ?? Math.random, escalations),
  };
}

export type Services = ReturnType<typeof createServices>;
