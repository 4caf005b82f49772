// Browser notifications and the toolbar badge for the escalations of my teams (issue 10, part 4): when
// to check, what to show, and what a click does.
import { browser } from 'wxt/browser';
import type { BatonEvent } from '../../shared/events';
import type { ConversationTarget } from '../protocol/popup';
import { isCredentialRejected } from './action-result';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import { createBadge, type Badge } from './badge';
import { createCoalescedTask } from './coalesced-task';
import { loadNotificationsMuted } from './notification-preferences';
import { createNotificationsAlarm } from './notifications-alarm';
import { parseNotificationItems, type BatonNotification } from './notifications-feed';
import { accountKey, loadNotificationLedger, saveNotificationLedger } from './notifications-ledger';
import { DEFAULT_SELECTION_LIMITS, selectNotifications, settledNotificationIds, type SelectionLimits } from './notifications-selection';
import { openConversation as openConversationInTab, type OpenConversationDeps } from './open-conversation';
import type { AlarmsApi } from './wake-alarm';

/** Browser notification ids are this prefix and the backend's notification id. */
export const NOTIFICATION_ID_PREFIX = 'baton-notification:';
/** Escalation events within this long cause one check. */
export const CHECK_COALESCE_MS = 300;
/** How many unread notifications a check reads (newest first). */
const UNREAD_PAGE_SIZE = 50;
/** Enough open escalations to say "99+" on the badge. */
const OPEN_ESCALATIONS_LIMIT = 100;
/** Events after which the count or the notifications may have changed. */
const CHECK_EVENT_PREFIXES = ['escalation.', 'team.member_'];

/** Options of one browser notification (what Chrome and Firefox both take). */
export interface BasicNotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  priority?: number;
}

/** The part of `browser.notifications` used here. */
export interface NotificationsApi {
  create(notificationId: string, options: BasicNotificationOptions): Promise<string>;
  clear(notificationId: string): Promise<boolean>;
  /** The notifications on screen, by id. */
  getAll(): Promise<Record<string, unknown>>;
  onClicked: { addListener(listener: (notificationId: string) => void): void; removeListener(listener: (notificationId: string) => void): void };
}

/** What the notification center needs; tests pass fakes for the browser parts. */
export interface NotificationCenterDeps {
  backend: BackendConnection;
  /** Which tabs show which thread (a click focuses one instead of opening another). */
  hub: OpenConversationDeps['hub'];
  tabs?: OpenConversationDeps['tabs'];
  notifications?: NotificationsApi;
  badge?: Badge;
  alarms?: AlarmsApi;
  /** Default: `openConversation` (open-conversation.ts). */
  openConversation?: typeof openConversationInTab;
  /** A call with `backend` was refused (UNAUTHORIZED): the event stream decides what it means. */
  onCredentialRejected?(backend: CurrentBackend, error: unknown): void;
  /** Default: the extension's 128 px icon. */
  iconUrl?: string;
  coalesceMs?: number;
  limits?: SelectionLimits;
  log?: Pick<Console, 'info' | 'debug'>;
}

/** The background's notification side; see {@link createNotificationCenter}. */
export interface NotificationCenter {
  /** An event from the stream: escalation events schedule a (coalesced) check. */
  eventReceived(event: BatonEvent): void;
  /** The stream (re)connected: events may have been missed while it was down. */
  streamConnected(): void;
  /** The backend configuration changed (or the worker started): check now. */
  checkNow(): void;
  /** Stops listening and cancels a pending check. */
  stop(): void;
}

/**
 * Shows a browser notification for each new escalation or coalesced re-escalation of my teams
 * (the server's HIPAA-safe title and body), keeps the toolbar badge at the number of open
 * escalations of my teams, and opens the thread when a notification is clicked (then marks it
 * read). Checks happen at worker start, on escalation events (coalesced over
 * {@link CHECK_COALESCE_MS}) and on a 30 s alarm kept armed while a backend is configured, so
 * notifications also arrive with no helpdesk tab open. Registers its listeners synchronously
 * (MV3: the click or alarm that woke the worker must find them).
 *
 * @example
 * const center = createNotificationCenter({ backend, hub });
 * stream = createEventStream({ ..., onEvent: (event) => center.eventReceived(event) });
 * center.checkNow();
 */
export function createNotificationCenter(deps: NotificationCenterDeps): NotificationCenter {
  const notifications = deps.notifications ?? (browser.notifications as unknown as NotificationsApi);
  const badge = deps.badge ?? createBadge();
  const alarm = createNotificationsAlarm(deps.alarms);
  const open = deps.openConversation ?? openConversationInTab;
  const limits = deps.limits ?? DEFAULT_SELECTION_LIMITS;
  const log = deps.log ?? console;
  const iconUrl = () => deps.iconUrl ?? browser.runtime.getURL('/icon/128.png');

  /** A failed call: a refused credential clears the badge and tells the stream; anything else waits for the next check. */
  async function failed(current: CurrentBackend, what: string, error: unknown) {
    if (isCredentialRejected(error)) {
      await badge.clear();
      deps.onCredentialRejected?.(current, error);
      return;
    }
    log.debug(`[baton] notifications: ${what} failed; the next check retries`, error);
  }

  /** Shows the count of open escalations of my teams; answers their ids (null when they could not be read). */
  async function refreshBadge(current: CurrentBackend): Promise<{ ids: Set<string>; complete: boolean } | null> {
    try {
      const open = await current.client.escalations.listOpen.query({ myTeams: true, limit: OPEN_ESCALATIONS_LIMIT });
      await badge.showOpenEscalations(open.length);
      return { ids: new Set(open.map((escalation) => escalation.id)), complete: open.length < OPEN_ESCALATIONS_LIMIT };
    } catch (error) {
      await failed(current, 'reading the open escalations', error);
      return null;
    }
  }

  /** The ledger's account for who is signed in (`auth.me`); null when that could not be asked. */
  async function signedInAccount(current: CurrentBackend): Promise<string | null> {
    try {
      const me = await current.client.auth.me.query();
      return await accountKey(current.config.url, { agentId: me.agentId, credential: current.config.credential });
    } catch (error) {
      await failed(current, 'asking who is signed in', error);
      return null;
    }
  }

  /** Shows what is new for `account`; answers the unread notifications read (null when they could not be read). */
  async function showArrivals(current: CurrentBackend, signedIn: Promise<string | null>): Promise<{ items: BatonNotification[]; complete: boolean } | null> {
    let unread: BatonNotification[];
    let complete: boolean;
    try {
      const items = await current.client.notifications.list.query({ unreadOnly: true, limit: UNREAD_PAGE_SIZE });
      unread = parseNotificationItems(items);
      complete = items.length < UNREAD_PAGE_SIZE;
    } catch (error) {
      await failed(current, 'reading the notifications', error);
      return null;
    }
    const account = await signedIn;
    // Without knowing whose ledger it is nothing can be judged new: the next check retries.
    if (account === null) return null;
    const [ledger, muted] = await Promise.all([loadNotificationLedger(), loadNotificationsMuted()]);
    const selection = selectNotifications(ledger, account, unread, { muted }, limits);
    // Recorded before shown: a worker stopped in between loses one notification rather than showing it twice.
    await saveNotificationLedger(selection.ledger);
    if (selection.baseline && unread.length > 0) log.info(`[baton] notifications: ${unread.length} unread from before this browser signed in, not shown`);
    if (selection.quiet.length > 0) log.info(`[baton] notifications: ${selection.quiet.length} recorded without showing (${muted ? 'muted' : 'too many at once'})`);
    for (const item of selection.show) await display(NOTIFICATION_ID_PREFIX + item.id, item.title, item.body);
    return { items: unread, complete };
  }

  /** Takes down notifications whose escalation was resolved or which were read elsewhere (another browser). */
  async function clearSettled(unread: { items: BatonNotification[]; complete: boolean }, open: { ids: Set<string>; complete: boolean }) {
    const displayed = Object.keys(await notifications.getAll().catch(() => ({})))
      .filter((id) => id.startsWith(NOTIFICATION_ID_PREFIX))
      .map((id) => id.slice(NOTIFICATION_ID_PREFIX.length));
    for (const id of settledNotificationIds(displayed, unread, open)) await notifications.clear(NOTIFICATION_ID_PREFIX + id).catch(() => false);
  }

  async function display(notificationId: string, title: string, message: string) {
    try {
      await notifications.create(notificationId, { type: 'basic', iconUrl: iconUrl(), title, message, priority: 2 });
    } catch (error) {
      log.debug('[baton] notifications: the browser refused a notification', error);
    }
  }

  async function check() {
    const current = await deps.backend.current().catch(() => null);
    if (!current) {
      await Promise.all([badge.clear(), alarm.disarm()]);
      return;
    }
    await alarm.arm();
    // All three queries in the same tick: httpBatchLink sends them as one request.
    const signedIn = signedInAccount(current);
    const [open, unread] = await Promise.all([refreshBadge(current), showArrivals(current, signedIn)]);
    if (open && unread) await clearSettled(unread, open);
  }

  async function clicked(notificationId: string) {
    if (!notificationId.startsWith(NOTIFICATION_ID_PREFIX)) return;
    const id = notificationId.slice(NOTIFICATION_ID_PREFIX.length);
    const saved: ConversationTarget | null = (await loadNotificationLedger())?.entries.find((entry) => entry.id === id)?.target ?? null;
    if (!saved) {
      await notifications.clear(notificationId).catch(() => false);
      return;
    }
    const target = await withCurrentHelpdeskUrl(saved);
    const opened = await open(target, { hub: deps.hub, tabs: deps.tabs });
    if (!opened.ok) {
      // Say why in the same place the agent clicked (same id: it replaces the notification).
      await display(notificationId, 'Baton could not open the conversation', opened.message);
      return;
    }
    await notifications.clear(notificationId).catch(() => false);
    const current = await deps.backend.current().catch(() => null);
    if (!current) return;
    try {
      await current.client.notifications.markRead.mutate({ ids: [id] });
    } catch (error) {
      await failed(current, 'marking a notification read', error);
    }
  }

  /**
   * The saved target may predate the thread's helpdesk URL (escalated before anyone opened it): when
   * it has none and no tab shows the thread, ask the conversation for the URL recorded since.
   */
  async function withCurrentHelpdeskUrl(target: ConversationTarget): Promise<ConversationTarget> {
    if (target.helpdeskUrl || !target.conversationId) return target;
    const ref = target.connector && target.externalId ? { connector: target.connector, externalId: target.externalId } : null;
    if (deps.hub.tabsShowing(target.conversationId, ref).length > 0) return target;
    const current = await deps.backend.current().catch(() => null);
    if (!current) return target;
    try {
      const view = await current.client.conversations.get.query({ id: target.conversationId });
      return { ...target, helpdeskUrl: view.helpdeskUrl };
    } catch (error) {
      await failed(current, 'reading the conversation’s helpdesk URL', error);
      return target;
    }
  }

  const checks = createCoalescedTask(check, deps.coalesceMs ?? CHECK_COALESCE_MS);
  const onClicked = (notificationId: string) => void clicked(notificationId);
  notifications.onClicked.addListener(onClicked);
  const stopAlarm = alarm.onFire(() => checks.runNow());

  return {
    eventReceived(event) {
      if (CHECK_EVENT_PREFIXES.some((prefix) => event.type.startsWith(prefix))) checks.request();
    },
    streamConnected: () => checks.request(),
    checkNow: () => checks.runNow(),
    stop() {
      checks.cancel();
      stopAlarm();
      notifications.onClicked.removeListener(onClicked);
    },
  };
}
