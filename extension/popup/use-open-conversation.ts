// One "open this thread" click at a time for the popup's lists, with the failure kept next to the row clicked.
import { useCallback, useState } from 'react';
import type { ActionResult } from '../messaging';
import { settleAction } from '../overlay/overlay-actions';
import type { ConversationTarget } from '../protocol/popup';

/** What {@link useOpenConversation} gives a list. */
export interface OpenConversationState {
  /** The row being opened (its key), or null. */
  pendingKey: string | null;
  /** The last failure and the row it belongs to. */
  failure: { key: string; message: string } | null;
  open(key: string, target: ConversationTarget): Promise<void>;
}

/**
 * Opens rows' threads through `openConversation`; the failure (no helpdesk URL known, …) is shown
 * on that row until the next click.
 *
 * @example const opener = useOpenConversation(client.openConversation);
 */
export function useOpenConversation(openConversation: (target: ConversationTarget) => Promise<ActionResult<{ tabId: number; reused: boolean }>>): OpenConversationState {
  const [pendingKey, setPendingKey] = useState<string | null>(null);
  const [failure, setFailure] = useState<OpenConversationState['failure']>(null);
  const open = useCallback(
    async (key: string, target: ConversationTarget) => {
      setPendingKey(key);
      setFailure(null);
      const result = await settleAction(() => openConversation(target));
      setPendingKey(null);
      if (!result.ok) setFailure({ key, message: result.message });
    },
    [openConversation],
  );
  return { pendingKey, failure, open };
}
