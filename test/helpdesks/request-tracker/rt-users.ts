// The people of a private Request Tracker instance: root, two agents (one in Baton's escalated team,
// one not), the account Baton's connector uses, and the rights they get on the queue.

/** An RT account and how to sign in with it. */
export interface RtUser {
  name: string;
  email: string;
  password: string;
  realName: string;
}

/** The queue customer mail goes to. */
export const RT_QUEUE = 'General';

/** RT's superuser (initial data; the seed sets the address and makes sure of the password). */
export const RT_ROOT: RtUser = { name: 'root', email: 'root@example.test', password: 'password', realName: 'Enoch Root' };

/** Privileged agents, created by the seed. */
export const RT_AGENTS = {
  /** The Baton team member (in the escalated team). */
  agentInTeam: { name: 'alice', email: 'alice@example.test', password: 'alice-password', realName: 'Alice Agent' },
  /** An agent who is not in the escalated Baton team. */
  agentOutsideTeam: { name: 'bob', email: 'bob@example.test', password: 'bob-password', realName: 'Bob Outsider' },
  /** The account Baton's RT connector uses for REST2. */
  batonUser: { name: 'baton', email: 'baton@example.test', password: 'baton-password', realName: 'Baton Connector' },
} as const satisfies Record<string, RtUser>;

/** System rights for Everyone, so rt-mailgate can create tickets and add replies for any sender. */
export const EVERYONE_RIGHTS = ['CreateTicket', 'ReplyToTicket'] as const;

/**
 * System rights every privileged user gets: RT shows a requester's non-public fields (MobilePhone,
 * WorkPhone in "More about the requestor") only to users with AdminUsers.
 */
export const AGENT_SYSTEM_RIGHTS = ['AdminUsers'] as const;

/** Rights every privileged user gets on the queue: see, reply, comment, take and change tickets. */
export const AGENT_QUEUE_RIGHTS = [
  'SeeQueue',
  'ShowTicket',
  'ShowTicketComments',
  'CreateTicket',
  'ReplyToTicket',
  'CommentOnTicket',
  'ModifyTicket',
  'OwnTicket',
  'TakeTicket',
  'Watch',
  'ShowOutgoingEmail',
] as const;
