/**
 * Errors the CLI knows how to print. `UsageError` is the user's mistake on the command line
 * (exit 64 after a one-line explanation); anything else that reaches `main.ts` is our bug.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const REPORT_URL = 'https://github.com/virtwarden/virtwarden/issues/new';
