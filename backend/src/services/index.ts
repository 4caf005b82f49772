// Builds every service from the infrastructure (STYLE.md habit 5: injection, not module mocks).
import { Authenticator, type AuthSettings } from '../auth/authenticator.js';
import { createAgentsService } from './admin/agents.service.js';
import { createApiKeysService } from './admin/api-keys.service.js';
import { createTeamsService } from './admin/teams.service.js';
import { createWebhookSecretService } from './admin/webhook-secret.service.js';
import { createEventsService } from './events.service.js';
import { createTenantsService } from './tenants.service.js';
import type { JobEngine } from '../jobs/job-engine.js';
import { createConversationsService } from './conversations.service.js';
import { createInboundService } from './inbound.service.js';
import { createSettingsService } from './settings.service.js';
import type { Infrastructure } from './unit-of-work.js';

export function createServices(infra: Infrastructure, auth: AuthSettings, jobs: JobEngine) {
  return {
    infra,
    authenticator: new Authenticator(infra, auth),
    tenants: createTenantsService(infra),
    agents: createAgentsService(infra),
    teams: createTeamsService(infra),
    apiKeys: createApiKeysService(infra),
    webhookSecret: createWebhookSecretService(infra),
    events: createEventsService(infra),
    jobs,
    inbound: createInboundService(infra, jobs),
    conversations: createConversationsService(infra, jobs),
    settings: createSettingsService(infra, jobs),
  };
}

export type Services = ReturnType<typeof createServices>;
