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

interface ZodInternals {
  _zod: { def: { type: string; innerType?: unknown; in?: unknown; shape?: Record<string, unknown> } };
}

/**
 * The top-level fields of a procedure's input when it is a zod object (also under `.default()`,
 * `.optional()` and pipes), else null.
 * @example Object.keys(inputFieldsOf(takeOver)!) // ['id', 'source', 'agentId', 'expectedHolderId']
 */
export function inputFieldsOf<Schema>(procedure: RouterProcedure): Record<string, Schema> | null {
  let schema = procedure.inputs[0] as ZodInternals | undefined;
  while (schema) {
    const { def } = schema._zod;
    if (def.type === 'object') return def.shape as Record<string, Schema>;
    schema = (def.innerType ?? def.in) as ZodInternals | undefined;
  }
  return null;
}
