// Which watched threads one event concerns (pure, so the fan-out rules are tested table-style).
import type { BatonEvent, EventType } from '../../shared/events';

/** What routing needs to know about one watched thread. */
export interface WatchedThreadSummary {
  key: string;
  /** Null until `byExternalRef` found the conversation (unknown or not read yet). */
  conversationId: string | null;
  leadId: string | null;
}

/** What to do for one event. */
export interface EventRoute {
  /** Threads whose view must be read again. */
  refresh: string[];
  /** Threads whose tabs are told `changed` (e.g. an open timeline drawer refetches). */
  changed: { key: string; conversationId: string }[];
}

/** Events about a lead show in every conversation of that lead (escalation banner, cooldown). */
const LEAD_WIDE_PREFIXES = ['escalation.', 'lead.', 'task.'];
/** Tenant-wide changes that alter what every view says (HIPAA redaction, resolve rights, names). */
const TENANT_WIDE_TYPES: ReadonlySet<EventType> = new Set(['settings.changed', 'team.member_added', 'team.member_removed', 'agent.updated']);

/**
 * Routes an event to the watched threads it concerns: its conversation; its lead's conversations
 * for escalation/lead/task events; every known thread for tenant-wide settings; and, on
 * `conversation.created`, the threads Baton did not know yet.
 *
 * @example
 * const { refresh, changed } = routeEvent(event, watched);
 */
export function routeEvent(event: BatonEvent, threads: readonly WatchedThreadSummary[]): EventRoute {
  const refresh = new Set<string>();
  const changed: EventRoute['changed'] = [];
  const leadWide = LEAD_WIDE_PREFIXES.some((prefix) => event.type.startsWith(prefix));
  const tenantWide = TENANT_WIDE_TYPES.has(event.type);

  for (const thread of threads) {
    const sameConversation = thread.conversationId !== null && thread.conversationId === event.conversationId;
    const sameLead = leadWide && thread.leadId !== null && thread.leadId === event.leadId;
    if (thread.conversationId !== null && (sameConversation || sameLead)) {
      refresh.add(thread.key);
      changed.push({ key: thread.key, conversationId: thread.conversationId });
    } else if (tenantWide && thread.conversationId !== null) {
      refresh.add(thread.key);
    } else if (event.type === 'conversation.created' && thread.conversationId === null) {
      refresh.add(thread.key);
    }
  }
  return { refresh: [...refresh], changed };
}
