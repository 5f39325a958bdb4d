/** Schema parsing of Lambda events and records, with errors that name the bad field. */
import type { z } from 'zod';

/** An event or record that does not have the expected shape. */
export class EventShapeError extends Error {
  readonly code = 'BAD_EVENT';
  override readonly name = 'EventShapeError';
}

/** Parses `value` with `schema`; throws EventShapeError `<what>: <path>: <problem>` for the first issue. */
export function parseEvent<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new EventShapeError(`${what}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`);
}

/** JSON.parse that fails with an EventShapeError naming what was being parsed. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EventShapeError(`${what}: body is not JSON`);
  }
}
