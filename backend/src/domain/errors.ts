// The one error type rules and services throw; a tRPC middleware maps it to a TRPCError.

export const DOMAIN_ERROR_CODES = ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED'] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * A failure written for the agent who reads it in a banner.
 * @example throw new DomainError('NOT_FOUND', 'Team not found', 'teamId')
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field at fault, so forms can show the message next to it. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
