// Background service worker: owns the credential and answers the pages' messages (extension/messaging.ts).
import { defineBackground } from 'wxt/utils/define-background';
import { createBackgroundHandlers } from '../extension/background/message-handlers';
import { handleMessages } from '../extension/messaging';

export default defineBackground(() => {
  handleMessages(createBackgroundHandlers());
});
