// The root router: every feature router under its stable name (ARCHITECTURE.md "API surface").
import { createCallerFactory, router } from './init.js';
import { agentsRouter, apiKeysRouter, teamsRouter, webhookSecretRouter } from './routers/admin.router.js';
import { authRouter } from './routers/auth.router.js';
import { conversationsRouter } from './routers/conversations.router.js';
import { escalationsRouter, notificationsRouter, tasksRouter } from './routers/escalations.router.js';
import { eventsRouter } from './routers/events.router.js';
import { rulesRouter } from './routers/rules.router.js';
import { messagesRouter, repliesRouter } from './routers/replies.router.js';
import { settingsRouter } from './routers/settings.router.js';

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
