/** Public API of the classifier: compile measures once, classify many items. */
import type { Measure } from '../types.js';
import { type Classifier, CompiledClassifier } from './classify.js';
import { compileSet } from './compile.js';

export type { Classifier, ClauseExplanation, ContextExplanation, MeasureExplanation } from './classify.js';
export { CompiledClassifier } from './classify.js';
export { ENGINE_VERSION } from './compile.js';
export { MeasureQueryError, type QueryClause } from './errors.js';
export { foldText, type Token, tokenize } from './normalise.js';
export { parseQuery, type QueryNode } from './query-parser.js';
export { stem } from './stem.js';

/** Compiles measures into one matcher; throws MeasureQueryError on a clause that does not parse. */
export function compileMeasures(measures: Measure[]): Classifier {
  return compileMatcher(measures);
}

/** Like compileMeasures, typed to expose `explain` for `radar explain`. */
export function compileMatcher(measures: readonly Measure[]): CompiledClassifier {
  return new CompiledClassifier(compileSet(measures));
}
