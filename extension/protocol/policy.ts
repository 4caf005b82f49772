// What an IT department set by policy (chrome.storage.managed, issue 10): shown as locked in options.
export interface ManagedPolicyView {
  /** The backend URL every agent uses; null: not set by policy (the agent chooses). */
  backendUrl: string | null;
  /** The only helpdesk origins adapters may be added for; null: any. */
  allowedHelpdeskOrigins: string[] | null;
}

export type PolicyRequest = { type: 'policy.get' };

export interface PolicyResponses {
  'policy.get': ManagedPolicyView;
}
