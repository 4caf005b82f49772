// Generic helpdesk adapters at run time (issue 10): permissions, content-script registrations, "Test on the current tab".
import type { HelpdeskAdapterConfig, HelpdeskAdapterConfigInput } from '../../shared/helpdesk-adapters';
import type { ActionResult } from '../messaging';

/** One configured helpdesk in this browser. */
export interface HelpdeskRegistrationView {
  adapterId: string;
  name: string;
  origin: string;
  /** This browser holds host permission for the origin. */
  granted: boolean;
  /** The content script is registered for the origin (needs `granted`). */
  registered: boolean;
  /** False when a managed policy's allowed origins exclude it. */
  allowedByPolicy: boolean;
}

/** What "Test on the current tab" found; each selector's count of matching elements. */
export interface AdapterTestReport {
  tabUrl: string;
  urlMatches: boolean;
  conversationId: string | null;
  found: Record<'threadHeader' | 'mount' | 'composer' | 'sendButton' | 'conversationId', number | null>;
  /** Plain sentences for the admin (`mount: no element matches ".thread"`). */
  problems: string[];
}

export type HelpdesksRequest =
  | { type: 'helpdesks.status' }
  /** Re-reads the tenant's adapters and (un)registers content scripts to match the granted origins. */
  | { type: 'helpdesks.sync' }
  | { type: 'helpdesks.testOnTab'; config: HelpdeskAdapterConfigInput }
  /** Content script on a registered origin: the adapter serving `url`, or null. */
  | { type: 'helpdesks.adapterForPage'; url: string };

export interface HelpdesksResponses {
  'helpdesks.status': ActionResult<HelpdeskRegistrationView[]>;
  'helpdesks.sync': ActionResult<HelpdeskRegistrationView[]>;
  'helpdesks.testOnTab': ActionResult<AdapterTestReport>;
  'helpdesks.adapterForPage': HelpdeskAdapterConfig | null;
}
