// Lists every procedure of a tRPC router (path, type, input schemas) from the router itself, so suites
// that must cover all of them notice a procedure added later.
import type { AnyRouter } from '@trpc/server';

export type ProcedureType = 'query' | 'mutation' | 'subscription';

export interface RouterProcedure {
  /** Dotted path, e.g. `conversations.takeOver`. */
  path: string;
  type: ProcedureType;
  /** The `.input(...)` schemas (zod), in order; empty for a procedure without input. */
  inputs: unknown[];
}

/**
 * @example routerProcedures(appRouter).map(({ path }) => path) // ['auth.me', 'agents.create', …]
 */
export function routerProcedures(router: AnyRouter): RouterProcedure[] {
  const procedures = router._def.procedures as Record<string, { _def: { type: ProcedureType; inputs?: unknown[] } }>;
  return Object.entries(procedures).map(([path, procedure]) => ({ path, type: procedure._def.type, inputs: procedure._def.inputs ?? [] }));
}
