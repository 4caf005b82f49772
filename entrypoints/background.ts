// Background service worker: owns the credential and talks to the backend (extension issue).
export default defineBackground(() => {
  browser.runtime.onInstalled.addListener(() => {
    console.info('Baton installed');
  });
});
