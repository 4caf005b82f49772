// Takeover rules (SPEC §2): take over, transfer, release, auto-release and auto takeover on an agent's message, as pure decisions.
import { DomainError } from './errors.js';

/** How a takeover began. `rule_hold` is a routing rule keeping the AI quiet with no holder (SPEC §5.3). */
export const TAKEOVER_SOURCES = ['manual', 'popup', 'api', 'auto_sms', 'auto_email', 'rule_hold'] as const;
export type TakeoverSource = (typeof TAKEOVER_SOURCES)[number];

/** The sources by which an agent (not a rule) takes a conversation. */
export const AGENT_TAKEOVER_SOURCES = ['manual', 'popup', 'api', 'auto_sms', 'auto_email'] as const;
export type AgentTakeoverSource = (typeof AGENT_TAKEOVER_SOURCES)[number];

/** How a takeover ends: an agent's action, the end-of-hours job (`auto`), or resolving an escalation as `handled`. */
export const RELEASE_SOURCES = ['manual', 'popup', 'api', 'auto', 'handled'] as const;
export type ReleaseSource = (typeof RELEASE_SOURCES)[number];

/** The channel of an agent's outbound message. */
export type AgentMessageChannel = 'sms' | 'email';

/** A conversation's takeover columns. All four are null when the AI is in charge. */
export interface TakeoverState {
  /** The agent holding it; null: nobody (not taken over, or a `rule_hold`). */
  heldByAgentId: string | null;
  /** Null: not taken over. */
  source: TakeoverSource | null;
  /** When the current takeover began; identifies it for its auto-release job. Null: not taken over. */
  takenOverAt: Date | null;
  /** When the current takeover ends by itself (SPEC §2.4); null: never by itself, or not taken over. */
  autoReleaseAt: Date | null;
}

/** The AI is in charge. */
export const NOT_TAKEN_OVER: TakeoverState = Object.freeze({ heldByAgentId: null, source: null, takenOverAt: null, autoReleaseAt: null });

/** Timeline entries a takeover decision asks the service to append (SPEC §6), with the state before and after. */
export type TakeoverRecord =
  | { kind: 'record'; event: 'takeover.started'; before: TakeoverState; after: TakeoverState }
  | { kind: 'record'; event: 'takeover.transferred'; previousHolderId: string; before: TakeoverState; after: TakeoverState }
  | { kind: 'record'; event: 'takeover.released'; releaseSource: ReleaseSource; before: TakeoverState; after: TakeoverState };

/** What the service must do, in the same transaction as writing `next`. */
export type TakeoverEffect =
  /** Every `pending` scheduled reply of the conversation becomes `cancelled` (reason `takeover`) and its job is removed. */
  | { kind: 'cancel_pending_replies'; reason: 'takeover' }
  /** Arm the auto-release job at `at`; its payload carries `takenOverAt` so a stale job can tell (see `decideRelease`). */
  | { kind: 'schedule_auto_release'; at: Date; takenOverAt: Date }
  /** Remove the conversation's auto-release job, if any. */
  | { kind: 'remove_auto_release' }
  | TakeoverRecord;

/** The outcome of a takeover rule. `changed: false` means write nothing and apply no effects; apply effects in order (a job removal precedes its re-arm). */
export interface TakeoverDecision {
  next: TakeoverState;
  effects: TakeoverEffect[];
  changed: boolean;
}

export interface TakeOverCommand {
  agentId: string;
  source: AgentTakeoverSource;
  /** Computed by the business-hours rules for a takeover at `now`; null: no auto-release. */
  autoReleaseAt: Date | null;
}

/** Agent actions name their source; the auto-release job also names the takeover it was armed for. */
export type ReleaseCommand =
  | { source: Exclude<ReleaseSource, 'auto'> }
  | { source: 'auto'; expectedTakenOverAt: Date };

export interface AgentMessageCommand {
  agentId: string;
  channel: AgentMessageChannel;
  /** Tenant setting (default off): does a manual email take the conversation over? */
  autoTakeoverOnEmail: boolean;
  /** As in `TakeOverCommand`, for a takeover starting at `now`. */
  autoReleaseAt: Date | null;
}

export interface RuleHoldCommand {
  /** As in `TakeOverCommand`, for a hold starting at `now`. */
  autoReleaseAt: Date | null;
}

/** True while a human or a rule holds the conversation: no AI reply is generated, scheduled or sent. */
export function isAiPaused(state: TakeoverState): boolean {
  return state.source !== null || state.heldByAgentId !== null;
}

/**
 * A takeover asked "only if `expectedHolderId` still holds it" (null: nobody does) — the transfer
 * confirmation names who holds it, and must not race (issue 9). Absent (`undefined`): no condition.
 * A `rule_hold` has no holder, so it counts as nobody. The caller already holding it (another tab)
 * is no conflict: taking over twice is idempotent (SPEC §2.1).
 */
export function holderDiffers(state: TakeoverState, expectedHolderId: string | null | undefined, callerId: string): boolean {
  return expectedHolderId !== undefined && state.heldByAgentId !== expectedHolderId && state.heldByAgentId !== callerId;
}

/**
 * The CONFLICT an agent reads in the banner when the holder changed before their takeover: who
 * holds it now (`current`: null when nobody does).
 * @example holderChangedError({ name: 'Dana Smith' }, state).message // 'Dana Smith took this conversation over meanwhile.'
 */
export function holderChangedError(current: { name: string } | null, state: TakeoverState): DomainError {
  if (current) return new DomainError('CONFLICT', `${current.name} took this conversation over meanwhile.`);
  if (state.source === 'rule_hold') return new DomainError('CONFLICT', 'Nobody holds this conversation any more: a routing rule keeps the AI quiet until someone takes it over.');
  return new DomainError('CONFLICT', 'Nobody holds this conversation any more: the AI is handling it again.');
}

const unchanged = (state: TakeoverState): TakeoverDecision => ({ next: state, effects: [], changed: false });

/**
 * An agent takes the conversation over (SPEC §2.1). Taking over twice is a no-op; taking it from
 * another agent transfers it (a new takeover: fresh `takenOverAt` and `autoReleaseAt`); picking up
 * a `rule_hold` starts a takeover. Every change cancels pending AI replies.
 * @example decideTakeOver(NOT_TAKEN_OVER, { agentId: 'a1', source: 'manual', autoReleaseAt }, now)
 * // next: held by a1; effects: cancel_pending_replies, schedule_auto_release, record takeover.started
 */
export function decideTakeOver(state: TakeoverState, command: TakeOverCommand, now: Date): TakeoverDecision {
  const { agentId, source, autoReleaseAt } = command;
  if (!agentId) throw new DomainError('BAD_REQUEST', 'Only an agent can take over a conversation', 'agentId');
  if (state.heldByAgentId === agentId) return unchanged(state);

  const takenOverAt = new Date(now.getTime());
  const next: TakeoverState = { heldByAgentId: agentId, source, takenOverAt, autoReleaseAt };
  // Nothing should be pending under a takeover, but cancelling again is free and keeps the invariant local.
  const effects: TakeoverEffect[] = [{ kind: 'cancel_pending_replies', reason: 'takeover' }];
  if (state.autoReleaseAt !== null) effects.push({ kind: 'remove_auto_release' });
  if (autoReleaseAt !== null) effects.push({ kind: 'schedule_auto_release', at: autoReleaseAt, takenOverAt });
  effects.push(
    state.heldByAgentId !== null
      ? { kind: 'record', event: 'takeover.transferred', previousHolderId: state.heldByAgentId, before: state, after: next }
      : { kind: 'record', event: 'takeover.started', before: state, after: next },
  );
  return { next, effects, changed: true };
}

/**
 * Ends the takeover (SPEC §2.3, §2.4). A no-op when not taken over. The auto-release job only
 * releases when `autoReleaseAt <= now` and the takeover is still the one it was armed for
 * (`expectedTakenOverAt`); otherwise it is stale and does nothing. Releasing never asks for an AI
 * reply: the AI waits for the next customer message (SPEC §4).
 * @example decideRelease(state, { source: 'auto', expectedTakenOverAt: job.takenOverAt }, now)
 */
export function decideRelease(state: TakeoverState, command: ReleaseCommand, now: Date): TakeoverDecision {
  if (!isAiPaused(state)) return unchanged(state);
  if (command.source === 'auto') {
    const due = state.autoReleaseAt !== null && state.autoReleaseAt.getTime() <= now.getTime();
    const sameTakeover = state.takenOverAt !== null && state.takenOverAt.getTime() === command.expectedTakenOverAt.getTime();
    if (!due || !sameTakeover) return unchanged(state);
  }
  const next = NOT_TAKEN_OVER;
  const effects: TakeoverEffect[] = [];
  if (state.autoReleaseAt !== null) effects.push({ kind: 'remove_auto_release' });
  effects.push({ kind: 'record', event: 'takeover.released', releaseSource: command.source, before: state, after: next });
  return { next, effects, changed: true };
}

/**
 * An agent's manual message (SPEC §2.2): takes over for that agent before delivery when nobody
 * holds the conversation — always for SMS (`auto_sms`), for email only with `autoTakeoverOnEmail`
 * (`auto_email`). A held conversation is left as it is; a `rule_hold` is picked up by the agent
 * (same channel rule).
 * @example decideAutoTakeoverOnAgentMessage(NOT_TAKEN_OVER, { agentId: 'a1', channel: 'sms', autoTakeoverOnEmail: false, autoReleaseAt }, now)
 */
export function decideAutoTakeoverOnAgentMessage(state: TakeoverState, command: AgentMessageCommand, now: Date): TakeoverDecision {
  const { agentId, channel, autoTakeoverOnEmail, autoReleaseAt } = command;
  if (state.heldByAgentId !== null) return unchanged(state);
  if (state.source !== null && state.source !== 'rule_hold') return unchanged(state);
  if (channel === 'email' && !autoTakeoverOnEmail) return unchanged(state);
  return decideTakeOver(state, { agentId, source: channel === 'sms' ? 'auto_sms' : 'auto_email', autoReleaseAt }, now);
}

/**
 * A routing rule's `takeover_hold` (SPEC §5.3): the AI goes quiet with no holder, for the team to
 * pick up. A no-op when the conversation is already held by anyone.
 */
export function decideRuleHold(state: TakeoverState, command: RuleHoldCommand, now: Date): TakeoverDecision {
  if (isAiPaused(state)) return unchanged(state);
  const takenOverAt = new Date(now.getTime());
  const next: TakeoverState = { heldByAgentId: null, source: 'rule_hold', takenOverAt, autoReleaseAt: command.autoReleaseAt };
  const effects: TakeoverEffect[] = [{ kind: 'cancel_pending_replies', reason: 'takeover' }];
  if (command.autoReleaseAt !== null) effects.push({ kind: 'schedule_auto_release', at: command.autoReleaseAt, takenOverAt });
  effects.push({ kind: 'record', event: 'takeover.started', before: state, after: next });
  return { next, effects, changed: true };
}
