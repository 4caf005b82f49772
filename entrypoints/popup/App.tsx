// Popup entry: finds the tab it is about and renders the popup with the real background client.
import { useEffect, useState } from 'react';
import { PopupApp } from '../../extension/popup/PopupApp';
import { backgroundPopupClient, popupTargetTabId } from '../../extension/popup/popup-client';

/** The popup page: the tab is known before the first `popup.state` is asked. */
export function App() {
  const [tabId, setTabId] = useState<number | null | undefined>(undefined);
  useEffect(() => {
    popupTargetTabId().then(setTabId, () => setTabId(null));
  }, []);
  if (tabId === undefined) return null;
  return <PopupApp client={backgroundPopupClient} tabId={tabId} />;
}
