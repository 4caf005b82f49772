// The root router: every feature router under its stable name (ARCHITECTURE.md "API surface").
import { createCallerFactory, router } from './init.js';
import { agentsRouter, apiKeysRouter, teamsRouter, webhookSecretRouter } from '../features/admin/admin.router.js';
import { authRouter } from '../auth/auth.router.js';
import { conversationsRouter } from '../features/conversations/conversations.router.js';
import { escalationsRouter } from '../features/escalations/escalations.router.js';
import { eventsRouter } from '../features/events/events.router.js';
import { notificationsRouter } from '../features/notifications/notifications.router.js';
import { rulesRouter } from '../features/settings/rules.router.js';
import { messagesRouter, repliesRouter } from '../features/replies/replies.router.js';
import { settingsRouter } from '../features/settings/settings.router.js';
import { tasksRouter } from '../features/tasks/tasks.router.js';

export const appRouter = router({
  auth: authRouter,
  agents: agentsRouter,
  teams: teamsRouter,
  apiKeys: apiKeysRouter,
  webhookSecret: webhookSecretRouter,
  events: eventsRouter,
  conversations: conversationsRouter,
  settings: settingsRouter,
  replies: repliesRouter,
  messages: messagesRouter,
  escalations: escalationsRouter,
  tasks: tasksRouter,
  notifications: notificationsRouter,
  rules: rulesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
