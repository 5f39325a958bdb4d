/**
 * Stage cues: the words that say where a measure stands (threatened, proposed, negotiated, adopted,
 * eased), in the same query language as measures so they fold and inflect the same way. The cue
 * nearest to a match's evidence wins; a longer cue beats a shorter one it contains ("fail to
 * agree" is negotiation, not adoption).
 */
import type { Stage } from '../types.js';

/** Stages in tie-break order: when two cues are equally near, the later stage wins. */
export const STAGES: readonly Stage[] = ['threatened', 'proposed', 'negotiated', 'adopted', 'eased'];

/** Stage cues per stage, space-separated terms, prefixes and "phrases" (en, de, fr, pl, ru, uk). */
export const STAGE_CUES: Readonly<Record<Stage, string>> = {
  threatened: [
    'threat* warn* vow vows vowed "could face" "would face" "could impose" "would impose" "ready to"',
    '"prepared to" "poised to" "threatened with" ultimatum "if russia" "unless russia" "should russia"',
    'droh* androh* menac* grozi* groz* ostrzeg* угрож* пригроз* погрож* загрож* попереджа*',
  ].join(' '),
  proposed: [
    'propos* plan plans planned planning draft unveil consider* weigh weighs mull "push for" "calls for"',
    '"call for" seek seeks "set to" "looking at" "to present" "will present" prepar* recommend* suggest*',
    'vorschlag* vorgeschlag* plant entwurf* erwäg* projet envisag* propon* propozycj* projekt* planuj*',
    'rozważ* предлож* предлага* планиру* проект* рассматрива* пропону* пропозиц* планує розгляда*',
  ].join(' '),
  negotiated: [
    'talk talks negotiat* discuss* debat* haggl* wrangl* deadlock* stall* "fail to agree" "fails to agree" "failed to agree"',
    '"no agreement" block blocks blocked blocking veto* holdout* "hold out" "holds out" "work out" divided',
    'split splits meet meets meeting verhandl* gespräch* blockier* négoci* discut* bloqu* negocj* rozmow*',
    'dyskus* blokuj* zablok* spór переговор* обсужда* обсужд* блокир* обговор* блоку* перемовин*',
  ].join(' '),
  adopted: [
    'adopt* approv* agree agrees agreed impose imposes imposed imposing announce announced announces',
    'slap* designat* blacklist* "added to" "adds to" "into force" "takes effect" "take effect" "took effect"',
    'introduce introduced introduces extend extended extends enact* sign signs signed pass passes passed',
    'target targets targeted hit hits ban bans banned expand expands expanded tighten* toughen*',
    'beschloss* beschließ* verhängt* verhaengt* einig* adopté* adopte impos* approuv* accord*',
    'przyj* nałoż* nakład* zatwierdz* wprowadz* uzgodn* porozumi* rozszerz*',
    'ввел* ввест* ввод* утверд* приня* одобр* расшир* запровад* ухвал* затверд* розшир*',
  ].join(' '),
  eased: [
    'lift lifts lifted lifting eas delist* waiver* exempt* exemption* "general licence" "general license"',
    'unfreez* unfroze* relief "removed from" "remove from" "removes from" annul* suspend* loosen* relax*',
    '"carve out" carveout* "carve outs" aufgehob* aufheb* lockerung* lockern* levée lever assoupl*',
    'znies* złagodz* zlagodz* wyłącz* снят* сняти* смягч* отмен* зняття знят* "пом’якш*" послабл*',
  ].join(' '),
};

/** A stage cue found in the text: its stage and token span in the matcher's position space. */
export interface CueHit {
  stage: Stage;
  start: number;
  end: number;
}

/** Token distance between two spans (0 when they overlap). */
function gap(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  if (aEnd <= bStart) return bStart - aEnd + 1;
  if (bEnd <= aStart) return aStart - bEnd + 1;
  return 0;
}

/**
 * Picks the stage whose cue lies nearest to the evidence (flat [start, end, …] token spans), within
 * `window` tokens and never across the title/summary boundary `split`. Returns null without a cue.
 */
export function pickStage(
  cues: readonly CueHit[],
  evidence: readonly number[],
  split: number,
  window: number,
): Stage | null {
  let best: CueHit | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  let bestLength = 0;
  for (const cue of cues) {
    const cueInTitle = cue.start < split;
    const length = cue.end - cue.start;
    // A shorter cue inside a longer one ("agree" in "fail to agree") does not count on its own.
    if (cues.some((o) => o !== cue && o.start <= cue.start && o.end >= cue.end && o.end - o.start > length))
      continue;
    for (let i = 0; i + 1 < evidence.length; i += 2) {
      const s = evidence[i] as number;
      const e = evidence[i + 1] as number;
      if (s < split !== cueInTitle) continue;
      const d = gap(cue.start, cue.end, s, e);
      if (d > window) continue;
      const better =
        d < bestDistance ||
        (d === bestDistance &&
          best !== null &&
          (length > bestLength ||
            (length === bestLength && STAGES.indexOf(cue.stage) > STAGES.indexOf(best.stage))));
      if (better) {
        best = cue;
        bestDistance = d;
        bestLength = length;
      }
    }
  }
  return best ? best.stage : null;
}
