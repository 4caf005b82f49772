// The routing-rules editor's state: one draft per rule (lists as comma-separated text), checked with the
// API's schema and turned into `rules.save` input; errors keyed like the server's (`rules.0.condition.pattern`).
import { ZRulesSaveInput, type RoutingRule, type RoutingRuleInput } from '../../shared/routing-rules';
import { issuesByPath, type FieldErrors } from './field-errors';

export type ActionType = 'escalate' | 'takeover_hold' | 'tag';

/** One action as edited: every type's fields, so switching type keeps what was typed. */
export interface ActionDraft {
  key: string;
  type: ActionType;
  teamId: string;
  reason: string;
  reasonCode: string;
  bypassCooldown: boolean;
  tag: string;
}

/** One rule as edited. `key` is stable across moves (React list key); `id` is the saved rule's. */
export interface RuleDraft {
  key: string;
  id: string | undefined;
  name: string;
  enabled: boolean;
  keywords: string;
  pattern: string;
  channel: '' | 'sms' | 'email';
  leadTags: string;
  businessHours: '' | 'open' | 'closed';
  actions: ActionDraft[];
}

let nextKey = 0;
const newKey = (what: string) => `${what}-${++nextKey}`;

/** A blank action of `type` (escalations go to `defaultTeamId`). */
export function newAction(type: ActionType = 'escalate', defaultTeamId = ''): ActionDraft {
  return { key: newKey('action'), type, teamId: defaultTeamId, reason: '', reasonCode: '', bypassCooldown: false, tag: '' };
}

/** A new rule: enabled, escalating to `defaultTeamId`. */
export function newRule(defaultTeamId = ''): RuleDraft {
  return { key: newKey('rule'), id: undefined, name: '', enabled: true, keywords: '', pattern: '', channel: '', leadTags: '', businessHours: '', actions: [newAction('escalate', defaultTeamId)] };
}

/** The editor's drafts for saved rules. */
export function ruleDraftsFrom(rules: RoutingRule[]): RuleDraft[] {
  return rules.map((rule) => ({
    key: newKey('rule'),
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    keywords: (rule.condition.keywords ?? []).join(', '),
    pattern: rule.condition.pattern ?? '',
    channel: rule.condition.channel ?? '',
    leadTags: (rule.condition.leadTags ?? []).join(', '),
    businessHours: rule.condition.businessHours ?? '',
    actions: rule.actions.map((action) => ({
      ...newAction(action.type),
      ...(action.type === 'escalate'
        ? { teamId: action.teamId, reason: action.reason, reasonCode: action.reasonCode ?? '', bypassCooldown: action.bypassCooldown ?? false }
        : {}),
      ...(action.type === 'tag' ? { tag: action.tag } : {}),
    })),
  }));
}

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** One draft as `rules.save` takes it: empty condition parts left out. */
export function toRuleInput(draft: RuleDraft): RoutingRuleInput {
  const keywords = list(draft.keywords);
  const leadTags = list(draft.leadTags);
  return {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name,
    enabled: draft.enabled,
    condition: {
      ...(keywords.length ? { keywords } : {}),
      ...(draft.pattern !== '' ? { pattern: draft.pattern } : {}),
      ...(draft.channel ? { channel: draft.channel } : {}),
      ...(leadTags.length ? { leadTags } : {}),
      ...(draft.businessHours ? { businessHours: draft.businessHours } : {}),
    },
    actions: draft.actions.map((action) => {
      if (action.type === 'escalate') {
        return {
          type: 'escalate' as const,
          teamId: action.teamId,
          reason: action.reason,
          ...(action.reasonCode.trim() ? { reasonCode: action.reasonCode.trim() } : {}),
          ...(action.bypassCooldown ? { bypassCooldown: true } : {}),
        };
      }
      if (action.type === 'tag') return { type: 'tag' as const, tag: action.tag };
      return { type: 'takeover_hold' as const };
    }),
  };
}

/** The rules to save, or the errors by path (`rules.<index>.…`), checked with the API's schema. */
export function checkRules(drafts: RuleDraft[]): { ok: true; rules: RoutingRuleInput[] } | { ok: false; fieldErrors: FieldErrors } {
  const rules = drafts.map(toRuleInput);
  // The rules part of the API's input (the version is the section's, not the drafts').
  const parsed = ZRulesSaveInput.pick({ rules: true }).safeParse({ rules });
  if (parsed.success) return { ok: true, rules };
  return { ok: false, fieldErrors: issuesByPath(parsed.error.issues) };
}

/** `drafts` with the rule at `index` moved by `offset` (-1 up, +1 down); unchanged at the ends. */
export function moveRule<T>(drafts: readonly T[], index: number, offset: -1 | 1): T[] {
  const target = index + offset;
  if (target < 0 || target >= drafts.length) return [...drafts];
  const next = [...drafts];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}
