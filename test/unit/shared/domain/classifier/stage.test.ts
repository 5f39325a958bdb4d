import { describe, expect, it } from 'vitest';
import { type CueHit, pickStage } from '../../../../../shared/domain/classifier/stage.js';

/** Sentence numbers of a text whose sentences start at the given positions (0 is implied). */
function sentences(...starts: number[]): (p: number) => number {
  return (p) => starts.filter((s) => s <= p).length;
}

const cue = (stage: CueHit['stage'], start: number, end = start + 1): CueHit => ({ stage, start, end });

describe('pickStage', () => {
  const split = 100; // every position below is in the title

  it('returns null without cues or with none inside the window', () => {
    expect(pickStage([], [5, 6], split, 12, sentences())).toBeNull();
    expect(pickStage([cue('adopted', 40)], [5, 6], split, 12, sentences())).toBeNull();
  });

  it('prefers a cue in the sentence of an evidence span to a nearer one in the next sentence', () => {
    // Evidence at 8–9 in sentence 0 (positions 0–9); "proposed" at 4 is in it, "adopted" at 10 is not.
    const cues = [cue('proposed', 4), cue('adopted', 10)];
    expect(pickStage(cues, [8, 10], split, 12, sentences(10))).toBe('proposed');
    // Without sentence numbers the nearer cue wins.
    expect(pickStage(cues, [8, 10], split, 12)).toBe('adopted');
  });

  it('counts every sentence a span covers, not only the one it starts in', () => {
    // The span 8–12 runs from sentence 0 into sentence 1, where "adopted" (at 11) is.
    const cues = [cue('proposed', 2), cue('adopted', 11)];
    expect(pickStage(cues, [8, 12], split, 12, sentences(10))).toBe('adopted');
  });

  it('falls back to cues in other sentences when none shares one with the evidence', () => {
    const cues = [cue('negotiated', 12)];
    expect(pickStage(cues, [3, 5], split, 12, sentences(10))).toBe('negotiated');
  });

  it('falls back when the local cues are all out of the window', () => {
    // "threatened" at 30 shares sentence 1 with the span but is 20 tokens away; "proposed" at 8 is near.
    const cues = [cue('proposed', 8), cue('threatened', 30)];
    expect(pickStage(cues, [10, 11], split, 12, sentences(10))).toBe('proposed');
  });

  it('never looks across the title/summary boundary', () => {
    expect(pickStage([cue('adopted', 101)], [98, 99], 100, 12, sentences())).toBeNull();
  });

  it('lets a longer cue hide a shorter one inside it, and breaks ties by the later stage', () => {
    // "fail to agree" (negotiated, 5–8) holds "agree" (adopted, 7–8).
    expect(pickStage([cue('negotiated', 5, 8), cue('adopted', 7, 8)], [9, 10], split, 12, sentences())).toBe(
      'negotiated',
    );
    // Two one-word cues at the same distance: eased comes after proposed.
    expect(pickStage([cue('proposed', 3), cue('eased', 7)], [5, 6], split, 12, sentences())).toBe('eased');
  });
});
