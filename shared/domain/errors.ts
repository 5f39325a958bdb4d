/** Helpers to describe failures uniformly (code + message) without leaking stack traces. */

export interface ErrorInfo {
  code: string;
  message: string;
}

/** Narrows an unknown thrown value to a stable `{code, message}`; errors without a code become INTERNAL. */
export function describeError(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code ? code : 'INTERNAL',
      message: err.message.split('\n')[0] ?? '',
    };
  }
  return { code: 'INTERNAL', message: String(err) };
}

/** True for errors that describe a bad input (a feed, a query) rather than a bug or an outage. */
export function isExpectedError(err: unknown): boolean {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}
