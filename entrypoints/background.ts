// Background service worker: owns the credential, the tRPC client and the one event stream; answers
// the pages' messages and the overlay ports (extension/messaging.ts).
import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../extension/background/start-background';

export default defineBackground(() => {
  startBackground();
});
