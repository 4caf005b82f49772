// Tenant-scoped reads and writes of conversations, leads and their external references.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  ConversationEntity,
  ConversationRefEntity,
  LeadEntity,
  type Channel,
  type ConversationRow,
  type LeadRow,
} from '../../db/entities/conversation.entities.js';
import { DomainError } from '../../domain/errors.js';
import { findLocked } from '../../platform/row-lock.js';

/** Loads a conversation of the tenant or fails with NOT_FOUND (never another tenant's). */
export async function findConversationOrFail(manager: EntityManager, tenantId: string, conversationId: string, field = 'id'): Promise<ConversationRow> {
  const conversation = await manager.getRepository(ConversationEntity).findOneBy({ id: conversationId, tenantId });
  if (!conversation) throw new DomainError('NOT_FOUND', 'Conversation not found', field);
  return conversation;
}

/** Locks the conversation row for this transaction (see row-lock.ts). */
export async function lockConversation(manager: EntityManager, tenantId: string, conversationId: string): Promise<ConversationRow> {
  const conversation = await findLocked(manager, ConversationEntity, tenantId, conversationId);
  if (!conversation) throw new DomainError('NOT_FOUND', 'Conversation not found', 'id');
  return conversation;
}

export async function findByExternalRef(manager: EntityManager, tenantId: string, connector: string, externalId: string): Promise<ConversationRow | null> {
  const ref = await manager.getRepository(ConversationRefEntity).findOneBy({ tenantId, connector, externalId });
  return ref ? manager.getRepository(ConversationEntity).findOneBy({ id: ref.conversationId, tenantId }) : null;
}

export interface LeadContact {
  name?: string;
  phone?: string;
  email?: string;
}

/** The tenant's lead with this phone (SMS) or email, updated with what is new; created when unknown. */
async function findOrCreateLead(manager: EntityManager, tenantId: string, contact: LeadContact, channel: Channel, now: Date): Promise<LeadRow> {
  const repository = manager.getRepository(LeadEntity);
  const email = contact.email?.toLowerCase();
  const byKey = channel === 'sms' && contact.phone ? { phone: contact.phone } : email ? { email } : contact.phone ? { phone: contact.phone } : null;
  const existing = byKey ? await repository.findOneBy({ tenantId, ...byKey }) : null;
  if (existing) return existing;
  const lead: LeadRow = { id: randomUUID(), tenantId, name: contact.name ?? null, phone: contact.phone ?? null, email: email ?? null, tags: [], cooldownUntil: null, createdAt: now };
  await repository.insert(lead);
  return lead;
}

/**
 * The conversation a connector's thread maps to; created with its lead on first contact.
 * Returns `created: true` when it is new (the caller records the event).
 */
export async function findOrCreateConversation(
  manager: EntityManager,
  input: { tenantId: string; connector: string; externalId: string; contact: LeadContact; channel: Channel; subject?: string | null },
  now: Date,
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const existing = await findByExternalRef(manager, input.tenantId, input.connector, input.externalId);
  if (existing) return { conversation: existing, created: false };
  const lead = await findOrCreateLead(manager, input.tenantId, input.contact, input.channel, now);
  const conversation: ConversationRow = {
    id: randomUUID(),
    tenantId: input.tenantId,
    leadId: lead.id,
    subject: input.subject ?? null,
    heldByAgentId: null,
    takeoverSource: null,
    takenOverAt: null,
    autoReleaseAt: null,
    lastCustomerMessageAt: null,
    lastAgentMessageAt: null,
    lastHumanControlAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await manager.getRepository(ConversationEntity).insert(conversation);
  await manager.getRepository(ConversationRefEntity).insert({ id: randomUUID(), tenantId: input.tenantId, conversationId: conversation.id, connector: input.connector, externalId: input.externalId, helpdeskUrl: null, createdAt: now });
  return { conversation, created: true };
}
