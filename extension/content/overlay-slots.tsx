// The three shadow-root UIs of a thread (WXT createShadowRootUi), as slots the thread watcher places.
import type { ComponentType } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { MountPoint } from '../adapters/adapter';
import { BannerStack } from '../overlay/BannerStack';
import { HeaderControls } from '../overlay/HeaderControls';
import type { OverlayRootProps } from '../overlay/overlay-root';
import { ScheduledReplyBanner } from '../overlay/ScheduledReplyBanner';
import { placeElement, type SlotName, type SlotUi } from './thread-watcher';

/** Host element name and root component of each UI (issue 9, "Overlay DOM contract"). */
const OVERLAY_UIS: Record<SlotName, { name: string; Component: ComponentType<OverlayRootProps> }> = {
  header: { name: 'baton-header', Component: HeaderControls },
  banners: { name: 'baton-banners', Component: BannerStack },
  reply: { name: 'baton-reply', Component: ScheduledReplyBanner },
};

/**
 * Creates the three UIs (not mounted yet). Each renders its React root from the shared store on
 * mount and unmounts it on remove; the WXT UI removes itself when `ctx` is invalidated.
 *
 * @example
 * const slots = await createOverlaySlots(ctx, { store, actions }, overlayCss);
 * watchThread({ slots, … });
 */
export async function createOverlaySlots(
  ctx: ContentScriptContext,
  props: OverlayRootProps,
  css: string,
): Promise<Record<SlotName, SlotUi>> {
  const entries = await Promise.all(
    (Object.keys(OVERLAY_UIS) as SlotName[]).map(async (slot) => [slot, await createSlot(ctx, OVERLAY_UIS[slot], props, css)] as const),
  );
  return Object.fromEntries(entries) as Record<SlotName, SlotUi>;
}

async function createSlot(
  ctx: ContentScriptContext,
  { name, Component }: (typeof OVERLAY_UIS)[SlotName],
  props: OverlayRootProps,
  css: string,
): Promise<SlotUi> {
  let target: MountPoint | null = null;
  let mounted = false;
  const ui = await createShadowRootUi<Root>(ctx, {
    name,
    position: 'inline',
    css,
    // Typing in our editors must not trigger the helpdesk's keyboard shortcuts.
    isolateEvents: true,
    anchor: () => target?.anchor,
    append: (anchor, host) => placeElement(host, { anchor, append: target?.append ?? 'last' }),
    onMount: (container) => {
      const root = createRoot(container);
      root.render(<Component {...props} />);
      return root;
    },
    onRemove: (root) => root?.unmount(),
  });
  ctx.onInvalidated(() => {
    mounted = false;
  });

  return {
    place(at) {
      target = at;
      if (mounted) {
        // Already rendered: only move the host, so what the agent typed survives a host re-render.
        placeElement(ui.shadowHost, at);
      } else {
        ui.mount();
        mounted = true;
      }
      removeCopies(ui.shadowHost, name);
    },
    remove() {
      if (!mounted) return;
      mounted = false;
      ui.remove();
    },
    get host() {
      return mounted ? ui.shadowHost : null;
    },
  };
}

/**
 * Removes copies of our host the page made (a host that re-renders by cloning its DOM clones our
 * element too, without its shadow root): one UI per thread. Runs only when a UI is (re)placed.
 */
function removeCopies(host: Element, name: string): void {
  for (const element of host.ownerDocument.querySelectorAll(name)) if (element !== host) element.remove();
}
