/** A measure for tests: only the id and query matter unless `extra` says otherwise. */
import type { Measure } from '../../shared/domain/types.js';

export function measure(id: string, query: string, extra: Partial<Measure> = {}): Measure {
  return {
    id,
    name: id,
    severity: 'high',
    query,
    requires: null,
    excludes: null,
    jurisdictions: [],
    notes: null,
    ...extra,
  };
}
