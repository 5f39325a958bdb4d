/**
 * Stage cues: the words that say where a measure stands (threatened, proposed, negotiated, adopted,
 * eased), in the same query language as measures so they fold and inflect the same way. The cue
 * nearest to a match's evidence wins, preferring cues in the evidence's own sentence; a longer cue
 * beats a shorter one it contains ("fail to agree" is negotiation, not adoption). An adoption cue
 * used as a noun ("a ban", "the new curbs") is not the clause's verb and is ignored, and one under a
 * modal or intention marker ("would impose", "plans to adopt", "threatens to ban") takes the
 * marker's stage: the text reports an intention, not an act.
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
    '"under consideration" "on the table" "in the works" schlägt schlagen "prévoit de"',
    '"call for" seek seeks "set to" "looking at" "to present" "will present" prepar* recommend* suggest*',
    'vorschlag* vorgeschlag* plant entwurf* erwäg* projet envisag* propon* propozycj* projekt* planuj*',
    'rozważ* предлож* предлага* планиру* проект* рассматрива* пропону* пропозиц* планує розгляда*',
  ].join(' '),
  negotiated: [
    'talk talks negotiat* discuss* debat* haggl* wrangl* deadlock* stall* "fail to agree" "fails to agree" "failed to agree"',
    '"no agreement" block blocks blocked blocking veto* holdout* "hold out" "holds out" "work out" divided',
    '"met to" "meet to" "discussions focused" "advance discussions" "peinent à s entendre"',
    'split splits meet meets meeting verhandl* gespräch* blockier* négoci* discut* bloqu* negocj* rozmow*',
    'dyskus* blokuj* zablok* spór переговор* обсужда* обсужд* блокир* обговор* блоку* перемовин*',
  ].join(' '),
  adopted: [
    'adopt* approv* agree agrees agreed impose imposes imposed imposing announce announced announces',
    'slap* designat* blacklist* "added to" "adds to" "into force" "takes effect" "take effect" "took effect"',
    'introduce introduced introduces extend extended extends enact* sign signs signed pass passes passed',
    'target targets targeted hit hits ban bans banned expand expands expanded widen widens widened broaden*',
    'tighten* toughen*',
    'beschloss* beschließ* verhängt* verhaengt* einig* adopté* adopte impos* approuv* accord*',
    'przyj* nałoż* nakład* zatwierdz* wprowadz* uzgodn* porozumi* rozszerz*',
    'ввел* ввест* ввод* утверд* приня* одобр* расшир* запровад* ухвал* затверд* розшир*',
    'договорил* договорились домовил* домовив* setzt sanctionne sanctionnent',
  ].join(' '),
  eased: [
    'lift lifts lifted lifting eas delist* waiver* exempt* exemption* "general licence" "general license"',
    'unfreez* unfroze* relief "removed from" "remove from" "removes from" annul* suspend* loosen* relax*',
    '"carve out" carveout* "carve outs" aufgehob* aufheb* lockerung* lockern* levée lever assoupl*',
    'znies* złagodz* zlagodz* wyłącz* снят* сняти* смягч* отмен* зняття знят* "пом’якш*" послабл*',
  ].join(' '),
};

/**
 * Markers that put a following adoption cue in the irrealis, by the stage they give it. Checked
 * within MODAL_REACH tokens before the cue, in the same sentence.
 */
export const MODAL_CUES: Readonly<Partial<Record<Stage, string>>> = {
  proposed: [
    'would could may might "plans to" "planning to" "plan to" "set to" "expected to" "aims to" "aim to"',
    '"intends to" "wants to" "want to" "seeks to" "seek to" "to propose" "preparing to" "prepares to"',
    '"ready to" "poised to" considering "whether to" "moves to" "push to"',
    'würde könnte soll sollen "prêt à" pourrait "envisage de" mogą może "ma zamiar" planuje',
    'может могут намерен планирует готов може можуть планує',
  ].join(' '),
  threatened: [
    '"threatens to" "threatened to" "threaten to" "warns it will" "warned it would" "vows to" "vowed to"',
    'droht drohen "menace de" grozi угрожает пригрозил погрожує',
  ].join(' '),
};

/** Words that make a following adoption cue a noun ("a ban", "the new curbs"), not the clause's verb. */
export const NOUN_MARKERS =
  'a an the new possible proposed potential planned any further such its their this';

/** How many tokens before an adoption cue a modal marker may end. */
export const MODAL_REACH = 4;

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
 * `sentence` gives a position's sentence number: non-decreasing along the text and stepping by at
 * most one, so a span [s, e) lies in exactly the sentences sentence(s) … sentence(e − 1).
 */
export function pickStage(
  cues: readonly CueHit[],
  evidence: readonly number[],
  split: number,
  window: number,
  sentence?: (position: number) => number,
): Stage | null {
  if (cues.length === 0) return null;
  // Prefer cues in the sentence of some evidence span: the clause's own verb, not a neighbour's.
  if (sentence) {
    let local: CueHit[] | null = null;
    for (let c = 0; c < cues.length; c++) {
      const cue = cues[c] as CueHit;
      const at = sentence(cue.start);
      for (let i = 0; i + 1 < evidence.length; i += 2) {
        const s = evidence[i] as number;
        const e = evidence[i + 1] as number;
        if (e > s && sentence(s) <= at && at <= sentence(e - 1)) {
          local ??= [];
          local.push(cue);
          break;
        }
      }
    }
    if (local !== null) {
      const stage = nearest(local, evidence, split, window);
      // With every cue local, the fallback below would search the same cues again.
      if (stage !== null || local.length === cues.length) return stage;
    }
  }
  return nearest(cues, evidence, split, window);
}

function nearest(
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
