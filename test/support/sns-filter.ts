/**
 * SNS filter-policy matching for exact-string allowlists, with AWS's String.Array semantics (an array
 * attribute matches when any element is allowed). fauxqs 1.9.2 compares the raw JSON string of a
 * String.Array attribute instead, so tests check measure filters with this evaluator.
 */

/** Envelope-style message attributes, as SNS delivers them to SQS (`{ Type, Value }`). */
export type EnvelopeAttributes = Record<string, { Type: string; Value: string }>;

/** True when every policy key is present and one of its values is allowed. */
export function snsFilterMatches(policy: Record<string, string[]>, attributes: EnvelopeAttributes): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    const attr = attributes[name];
    if (!attr) return false;
    const values: unknown[] =
      attr.Type === 'String.Array' ? (JSON.parse(attr.Value) as unknown[]) : [attr.Value];
    return values.some((v) => typeof v === 'string' && allowed.includes(v));
  });
}
