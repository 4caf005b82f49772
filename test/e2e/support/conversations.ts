// Conversation set-ups and backend checks the e2e tests share: a demo thread with its Baton conversation, escalations, waits on the view.
import type { ConversationViewDto, EscalationTriggerName } from '../../../shared/conversation-view.js';
import type { TestClient } from '../../support/trpc-client.js';
import { conversationOfThread, messageLinesOf, viewOf, type E2eBackend } from './backend.js';
import { newDemoThread } from './demo.js';
import { waitFor } from './wait.js';

export interface DemoConversation {
  externalId: string;
  conversationId: string;
  leadId: string;
}

/** A customer starts a demo thread (through the demo API); returns it with its Baton ids. */
export async function startThread(e2e: E2eBackend, body = 'Hi, what are your opening hours?', name = 'Jane Doe'): Promise<DemoConversation> {
  const externalId = await newDemoThread(e2e, body, name);
  const view = await waitFor(() => conversationOfThread(e2e.admin, externalId), (found) => Boolean(found?.id), `Baton's conversation for ${externalId}`);
  if (!view.lead) throw new Error(`conversation ${view.id} has no lead`);
  return { externalId, conversationId: view.id, leadId: view.lead.id };
}

/** Waits until `conversations.get` (as `client`) satisfies `accept`. */
export function waitForView(client: TestClient, conversationId: string, accept: (view: ConversationViewDto) => boolean, what: string, timeoutMs?: number): Promise<ConversationViewDto> {
  return waitFor(() => viewOf(client, conversationId), accept, what, { timeoutMs });
}

/** Waits until the backend holds `count` AI messages in the conversation; returns the message lines. */
export function waitForAiMessages(client: TestClient, conversationId: string, count: number, timeoutMs?: number): Promise<string[]> {
  return waitFor(() => messageLinesOf(client, conversationId), (lines) => lines.filter((line) => line.startsWith('ai: ')).length >= count, `${count} AI message(s)`, { timeoutMs });
}

/** Opens an escalation to the Support team as Dana (an agent-bound admin key). */
export async function escalate(e2e: E2eBackend, conversation: DemoConversation, reason = 'Customer asks for a refund'): Promise<string> {
  const opened = (await e2e.agents.dana.client.escalations.open.mutate({
    leadId: conversation.leadId,
    teamId: e2e.team.id,
    reason,
    conversationId: conversation.conversationId,
  })) as { outcome?: string; escalation?: { id: string }; id?: string };
  const id = opened.escalation?.id ?? opened.id;
  if (!id) throw new Error(`escalations.open did not open one: ${JSON.stringify(opened)}`);
  return id;
}

/** How the banner names a trigger (overlay DOM contract). */
export const TRIGGER_LABEL: Record<EscalationTriggerName, string> = {
  rule: 'Rule',
  sla_breach: 'SLA breach',
  guardrail: 'Guardrail',
  manual: 'Manual',
  api: 'API',
};
