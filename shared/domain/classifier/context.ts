/**
 * Context cues: wording that says a sanctions word in the text is not a development the text
 * reports. An analyst reading "since the 2022 sanctions, exports have shifted" or "analysts say
 * sanctions could be eased" knows the sanction words sit in a background, impact, speculation or
 * negated clause; the matcher hides the words those cues govern before it evaluates the measures,
 * so a measure matches only on words in a clause that reports something. The cues are written in
 * the measure query language (en, de, fr, pl, ru, uk) so they fold and inflect like measures do.
 *
 * Kinds, by how far a cue reaches:
 * - `forward`: a clause opener ("since", "despite", "years after", "hopes that", "under existing
 *   sanctions"): hides from the cue to the end of its clause.
 * - `clause`: a postposed qualifier ("which were imposed last year", "remain in place", "sanctions
 *   have hit the economy"): hides its whole clause, and the clause before when the cue opens its
 *   own (a relative clause qualifies the noun before the comma).
 * - `sentence`: attribution to non-authorities ("analysts say", "investors expect"): hides the
 *   whole sentence, wherever in it the attribution stands.
 * - `negation`: an authority negating its own action ("rules out new sanctions", "will not lift
 *   sanctions"): hides from the cue to the end of its clause, unless that clause is about a veto or
 *   a package (a member state refusing to back a package is a negotiation, not a negated measure).
 */

/** How far a context cue reaches. */
export type ContextKind = 'forward' | 'clause' | 'sentence' | 'negation';

/** The kinds in the order their cue queries are compiled. */
export const CONTEXT_KINDS: readonly ContextKind[] = ['forward', 'clause', 'sentence', 'negation'];

/** Most tokens a forward or negation cue hides after its start. */
export const CONTEXT_REACH = 14;

/** Past years, for dated background ("imposed in 2014", "с 2014 года"): 2014 (Crimea) to 2025. */
const PAST_YEARS = Array.from({ length: 12 }, (_, i) => String(2014 + i));
const years = (prefix: string) => PAST_YEARS.map((y) => `"${prefix} ${y}"`).join(' ');

/** Joins a space-separated list of terms and "phrases" with OR. */
function anyOf(list: string): string {
  return (list.match(/"[^"]*"|\S+/g) ?? []).join(' OR ');
}

/** Actions an authority takes on a measure, as the object of a negation. */
const NEGATED_ACTIONS = [
  // Verb forms of "sanction" only: the plural noun is in nearly every item and would make the
  // negation test run on all of them; "no new sanctions" is covered by the phrases.
  'impose imposing lift lifting ease easing "sanction" "sanctioned" "sanctioning" "new sanction*" discuss discussed',
  'reconnect reconnecting reconnection',
  '"further sanction*"',
  '"additional sanction*" "more sanction*" ban banning delist* unfreez* confiscat* seiz* relief',
  'verhängen aufheben lockern "neue* sanktion*" "weitere* sanktion*" lever levée assoupl* imposer',
  '"nouvelles sanctions" nałoż* nakład* znies* znosz* złagodz* "nowych sankcji" вводить ввести снимать снять снят*',
  'objęty objęta objęte objęci zdejm* zdjęci*',
  'отменять отменить смягч* "новых санкций" запроваджувати запровадити скасовувати скасувати',
  'зніматиме знімати "нових санкцій" послаблен* послаблюва* послабити ослаблять ослабить "пом якшен*" размораж* розморож*',
  'размороз* розмороз*',
].join(' ');

/** Negations of an action (en, de, fr, pl, ru, uk); "won't" tokenises as "won t". */
const NEGATIONS = [
  '"rule out" "rules out" "ruled out" "ruling out" "refuse to" "refuses to" "refused to"',
  '"declined to" "declines to" "will not" "won t" "would not" "wouldn t" "has not" "have not"',
  '"hasn t" "haven t" "did not" "didn t" "does not" "doesn t" "not to" "no new" "no further"',
  '"no plans to" "no plan to" "not planning to" "no intention of" "nie planuje" "не планирует" "не планує"',
  '"no additional" "no more" "not yet" "keine neuen" "keine weiteren" nicht exclut "refuse de"',
  '"ne pas" "pas de" wyklucza wykluczył wykluczyła odmówił odmówiła nie żadnych "nie ma mowy" "out of the question"',
  '"не может быть и речи" "не може бути й мови" "kommt nicht in frage" "hors de question"',
  'исключил исключила исключили исключает отказался отказалась отказывается не никаких',
  'виключив виключила виключили виключає відмовився відмовилася жодних жодного никакого żadnego żadnej',
].join(' ');

/** "No new sanctions" in one phrase (the negation and its object overlap, so NEAR cannot pair them). */
const NO_NEW = [
  '"no new sanction*" "no further sanction*" "no additional sanction*" "no more sanction*"',
  '"keine neuen sanktion*" "keine weiteren sanktion*" "pas de nouvelles sanctions" "żadnych nowych sankcji"',
  '"никаких новых санкций" "жодних нових санкцій"',
  // No ban in place: "faute d'interdiction", "in the absence of a ban".
  '"faute d interdiction" "in the absence of a ban" "mangels eines verbots" "w braku zakazu" "yet to prohibit" "yet to ban"',
].join(' ');

/** Cue lists per kind (see the module comment for what each hides). */
const CUE_LISTS: Readonly<Record<Exclude<ContextKind, 'negation'>, string>> = {
  forward: [
    '"years after" "year after" "months after" "an après" "ans après" "mois après" "jahr nach" "jahre nach" "monate nach"',
    '"rok po" "lata po" "lat po" "miesiące po" "год спустя" "года спустя" "лет спустя" "рік після" "роки після" "років після"',
    '"one year on" "a year on" "two years on" "three years on" "rok później" "dwa lata później"',
    // An outcome told after the fact ("to efekt … sankcji") and a step dated by its season ("od wiosny 2022").
    '"to efekt" "od wiosny" "od jesieni"',
    '"weeks after" "week after" "days after" "day after" "even after" "after a ban" "after an embargo"',
    '"weeks following" "in the weeks after" "semaines suivant" "dans les semaines qui ont suivi" "wochen nach" "w tygodniach po"',
    '"after the ban" "after the eu ban" "after eu ban" "after the embargo" "after the eu embargo"',
    '"following the ban" "following the embargo" "following the eu ban"',
    '"after a court" "after an eu court" "after the court" "after the eu court" "prospect of" "prospects of"',
    '"decade after" "under existing" "under current" "under an exemption" "under the exemption"',
    // The anniversary of a measure is background; that of the invasion only dates what follows.
    '"anniversary of the sanction*" "anniversary of sanction*" "anniversary of the embargo" "anniversary of the ban"',
    '"anniversary of the oil embargo" "anniversary of the oil ban" "anniversary of the price cap"',
    '"under a waiver" "under the waiver" "hope that" "hopes that"',
    '"hoped that" "hoping that" "hope for" "hopes for" "hopes of" "hope of" "illusive hope"',
    '"illusory hope" wishful "speculation that" "speculation about" "speculation of" "bets that"',
    'speculation "betting that" "betting on" "impact of" "effect of" "effects of" "toll of" "cost of"',
    '"effectiveness of" "efficacy of" auswirkungen "showing that" "suggesting that" "as a result of"',
    '"w wyniku" wynikiem "because of" "z powodu" powodem "из за" "через санкції" "через санкций" "adding to earlier"',
    '"adds to earlier" "on top of earlier" "architect of" "architects of"',
    // Fear and avoidance: a firm or country acting "to avoid" or "for fear of" sanctions reports
    // its own step (or an impact), not the measure: "Bank of China halts payments to avoid secondary
    // sanctions", "exports fell under the threat of sanctions".
    '"to avoid" "fear of" "fears of" "fear over" "fears over" "fears about" "under the threat of"',
    '"under threat of" "wary of" "aus angst vor" "aus furcht vor" "par crainte" "de peur" craignant',
    '"w obawie przed" "z obawy przed" "obawiając się" "obawy przed" "boją się" "boi się" опасаясь',
    '"опасений" "опасения" "побоюючись" "побоювання" "уникнути санкц*" "избежать санкц*" "uniknąć sankcji"',
    // A step told as the cause of what the item reports: "Nayara cuts runs after EU sanctions".
    '"after sanctions" "after the sanctions" "after eu sanctions" "after oil sanctions" "after energy sanctions"',
    '"after western sanctions" "after us blacklisting" "after the blacklisting" "after its blacklisting"',
    '"après la désignation" "après l inscription" "après leur inscription"',
    '"po sankcjach" "po objęciu" "po unijnych sankcjach"',
    '"po zachodnich sankcjach" "nach den sanktionen" "après les sanctions" "после санкций" "після санкцій"',
    '"после американских санкций" "после западных санкций" "після американських санкцій" "після західних санкцій"',
    '"a year of" "two years of" "three years of" "four years of" "ein jahr nach" "ein jahr seit" "ein jahr krieg" "ein jahr sanktionen" "zwei jahre" "drei jahre"',
    '"vier jahre" "un an de" "deux ans de" "trois ans de" "trois ans d" "quatre ans de"',
    '"na wpływ" "wpływ na" "wpływu" "skutki" "skutków" "efekt nowych" "efekt sankcji" "efektem sankcji"',
    '"jahre nach" "hoffnung auf" "hoffen dass" "hofft dass" "ans après"',
    '"l espoir" "espoir de" "od czasu" "lat po" nadzieję nadzieje nadziei',
    'спустя "со времени" надежд* надія надії надію',
    `${years('od')} ${years('с')} ${years('з')}`,
  ].join(' '),
  clause: [
    '"which were imposed" "which was imposed" "that were imposed" "which have been in place"',
    '"already imposed" "already in place" "remain in place" "remains in place" "still in place"',
    '"already covered" "already covers" "already banned" "already targeted" "already sanctioned"',
    `"imposed last year" "imposed after the" "imposed following the" ${years('imposed in')}`,
    `${years('introduced in')} "sanctions have hit" "sanctions have hurt" "sanctions have damaged"`,
    '"sanctions have crippled" "sanctions have squeezed" "sanctions have weighed" "sanctions have taken"',
    '"sanctions have cut" "sanctions have dented" "sanctions are hurting" "sanctions are biting"',
    '"sanctions hurt" "sanctions have not stopped" "having an impact" "having a major impact"',
    '"having a big impact" "having a significant impact" "had a major impact" "bereits verhängt*" "déjà en place"',
    '"już obowiązując*" "obowiązujące sankcje" "уже введенн*" "действующи* санкци*"',
    '"вже запроваджен*" "чинні санкції"',
    // An earlier step told in the pluperfect or with "previously": "banks that were previously cut
    // off from SWIFT" (a background to what the item reports).
    '"previously disconnected" "previously cut off" "previously sanctioned" "previously banned"',
    '"previously frozen" "previously blacklisted" "wcześniej odłączon*" "wcześniej odcięt*"',
    '"wcześniej objęt*" "wcześniej zamrożon*" "wcześniej nałożon*" "ранее отключен*" "ранее отрезан*"',
    '"ранее введенн*" "ранее попавш*" "раніше відключен*" "раніше відрізан*" "раніше запроваджен*"',
    '"bereits ausgeschlossen*" "zuvor ausgeschlossen*" "déjà exclu*" "déjà déconnect*"',
    '"designated earlier" "sanctioned earlier" "listed earlier" "blacklisted earlier"',
  ].join(' '),
  sentence: [
    '"analysts say" "analysts said" "analysts expect" "analysts believe" "analyst says" "analyst said"',
    '"analysts warn" "analysts warned" "economists warn" "experts warn" "legal scholars" "legal experts"',
    '"think tank" bruegel "chatham house" "atlantic council" ecfr "kiel institute" pism osw csis rusi carnegie',
    'brookings iiss ifri isw crea "centre for research on energy" kse "київськ* школ* економік*" "киевск* школ* экономик*"',
    '"investors expect" "investors bet" "investors are betting" "investors hope" "traders bet"',
    '"investors speculated" "investors speculate" "traders speculated" "markets speculated"',
    // Markets weighing a step ("rynek trawi amerykańskie sankcje"): a price move, not the step itself.
    '"ринок оцінює" "рынок оценивает" "markets assess" "market assesses" "rynek liczy" "rynek ocenia"',
    '"le marché évalue" "rynek trawi" "markets digest" "market digests"',
    '"investors weighed" "investors weigh" "investors are weighing" "traders weighed" "traders weigh" "markets weighed"',
    '"markets expect" "markets are betting" "economists expect" "economists say" "observers say"',
    '"economists argue" "analysts argue" "experts argue" "experts say" "analysts at"',
    // Banks' research desks and ship-tracking firms: forecasts and counts, not a sanctioning step.
    'goldman kpler vortexa rystad nomura synmax tankertrackers "capital economics" "oxford economics" "energy aspects"',
    // The IMF's forecasts and warnings: an international body's view, not a sanctioning step.
    'imf "international monetary fund" mfw "międzynarodowy fundusz walutowy" iwf "internationaler währungsfonds" fmi мвф',
    'analityk ekspertka "ekspert ostrzega" "eksperci ostrzegają" "ekspert uważa" "ekspert ocenia"',
    '"analysten erwarten" "selon les analystes" analitycy аналитики аналітики ekonomiści экономисты',
    'економісти "school of economics"',
    // A study's findings ("Crea-Studie: … kosten Moskau"), not an authority's step.
    'studie "study finds" "study shows" "study says" "study estimates" "selon une étude" "une étude"',
    '"z badania" "badanie pokazuje" "исследование показ*" "дослідження показ*"',
    '"polski instytut ekonomiczny" "instytut ekonomiczny" "polskiego instytutu ekonomicznego" "eksperci wskazują"',
    // The IEA's monthly figures and estimates: an agency's analysis, not a sanctioning step.
    'iea "international energy agency" energieagentur "agence internationale de l énergie"',
    '"międzynarodowa agencja energetyczna" "международн* энергетическ* агентств*" "міжнародн* енергетичн* агентств*"',
  ].join(' '),
};

/**
 * "Since" opens a background clause, except when it dates what the item reports from a day just past
 * ("seit Sonntag gilt das Importverbot", "since midnight", "depuis le 1er mars"); a year ("seit 2022")
 * stays background. One NEAR per language against a list of days: the exception costs one test.
 */
const DAYS_OF_MONTH = Array.from({ length: 31 }, (_, i) => String(i + 1)).join(' ');
/** A cue that does not count within `reach` words of any of `words` (either side). */
const cueExcept = (cue: string, words: string, reach: number) =>
  `(${cue} NOT (${cue} NEAR/${reach} (${anyOf(words)})))`;
const SINCE_CUES = [
  cueExcept('since', 'today midnight monday tuesday wednesday thursday friday saturday sunday', 1),
  // "seit dem 5. Februar": the day may come second, as in French.
  cueExcept(
    'seit',
    `heute mitternacht montag dienstag mittwoch donnerstag freitag samstag sonntag ${DAYS_OF_MONTH}`,
    2,
  ),
  // "depuis le 1er", "depuis ce matin": the day word may come second.
  cueExcept(
    'depuis',
    `aujourd matin minuit lundi mardi mercredi jeudi vendredi samedi dimanche 1er ${DAYS_OF_MONTH}`,
    2,
  ),
].join(' OR ');

/**
 * "Despite" opens a background clause ("despite sanctions, exports rose"), except beside a permission:
 * "a licence lets the refineries keep operating despite the sanctions", "pozwala płacić mimo sankcji"
 * report the easing itself, and the measure it eases is what the clause names.
 */
const PERMISSIONS = [
  'allow allows allowed allowing permit permits permitted permitting let lets letting authoris* authoriz*',
  'licen* licencj* lizenz* лиценз* ліценз* pozwol* pozwala* zezwol* zezwala* umożliwi* erlaub* gestatt*',
  'genehmig* ermöglich* autoris* permet* permis permettant разреш* позвол* дозвол*',
].join(' ');
const DESPITE_CUES = anyOf(
  'despite "in spite of" notwithstanding trotz malgré mimo pomimo "несмотря на" "незважаючи на" попри',
)
  .split(' OR ')
  .map((despite) => cueExcept(despite, PERMISSIONS, 8))
  .join(' OR ');

/**
 * "amid sanctions", "на фоне санкций": a measure told as the backdrop of other news (prices, an
 * economy). Not when the backdrop is itself a negotiation ("amid an EU dispute over Russian assets").
 */
const AMID_CUES = anyOf(
  'amid amidst "against the backdrop of" "на фоне" "на тлі" "vor dem hintergrund" "sur fond de" "na tle"',
)
  .split(' OR ')
  .map((amid) =>
    cueExcept(
      amid,
      'talks dispute disputes negotiat* debate* wrangl* row rows haggl* split splits deadlock* rozmów* negocjac* sporu spór gespräch* verhandl* streit* négoci* discussion* переговор* спор* суперечк*',
      3,
    ),
  )
  .join(' OR ');

/**
 * Per kind, words one of which every cue of the kind contains, chosen as its least common word: tested
 * before the cue query (not ANDed into it, which would add their hits to the cue's), so an item without one (most items) costs one lookup, not a
 * test of every phrase (whose own rarest word is often a common one such as "have").
 */
const TRIGGERS: Readonly<Record<Exclude<ContextKind, 'negation'>, string>> = {
  forward: [
    'since despite spite notwithstanding after following anniversary existing current hope hopes hoped hoping później',
    'efekt wiosny jesieni',
    'illusive illusory wishful speculation bets betting impact effect effects effectiveness efficacy toll cost seit trotz',
    'showing suggesting result wyniku wynikiem because за через earlier architect architects',
    'wpływ wpływu skutki skutków auswirkungen efekt efektem prospect prospects year years jahr jahre an ans',
    'nach hoffnung hoffen hofft depuis malgré après espoir czasu mimo pomimo po nadzieję nadzieje suivant suivi',
    `nadziei несмотря спустя времени надежд* надія надії надію незважаючи попри ${PAST_YEARS.join(' ')}`,
    'avoid fear fears threat wary angst furcht crainte peur craignant obawie obawy obawiając boją boi опасаясь',
    'exemption waiver powodu powodem amid amidst backdrop фоне тлі hintergrund fond tle',
    'опасений опасения побоюючись побоювання уникнути избежать uniknąć после після',
  ].join(' '),
  clause: [
    'imposed place hit hurt damaged crippled squeezed weighed taken cut dented hurting biting stopped already impact',
    'verhängt* déjà obowiązując* obowiązujące введенн* действующи* запроваджен* чинні',
    'previously wcześniej ранее раніше bereits zuvor earlier',
    PAST_YEARS.join(' '),
  ].join(' '),
  sentence: [
    'analysts analyst investors traders markets economists observers analysten analystes analitycy аналитики аналітики tank experts',
    'scholars legal',
    'ekonomiści экономисты економісти school studie study étude badania badanie исследование дослідження bruegel instytut instytutu',
    'chatham atlantic ecfr kiel pism osw csis rusi carnegie brookings iiss ifri isw crea centre kse київськ* киевск*',
    'iea agency energieagentur agence agencja агентств* goldman kpler vortexa rystad economics aspects nomura',
    'synmax tankertrackers imf monetary mfw walutowy iwf währungsfonds fmi мвф',
    'analityk ekspertka ekspert eksperci',
    // The verbs, not "market" (in most energy news): a trigger is tested on every item.
    'оцінює оценивает assess assesses liczy ocenia évalue trawi digest digests',
  ].join(' '),
};

/** Per kind, the trigger query a cue needs (null: none), tested before the cue query. */
export const CONTEXT_TRIGGERS: Readonly<Record<ContextKind, string | null>> = {
  forward: anyOf(TRIGGERS.forward),
  clause: anyOf(TRIGGERS.clause),
  sentence: anyOf(TRIGGERS.sentence),
  negation: null,
};

/** Cue queries per kind, in the measure query language. */
export const CONTEXT_CUES: Readonly<Record<ContextKind, string>> = {
  forward: `${anyOf(CUE_LISTS.forward)} OR ${SINCE_CUES} OR ${DESPITE_CUES} OR ${AMID_CUES}`,
  clause: anyOf(CUE_LISTS.clause),
  sentence: anyOf(CUE_LISTS.sentence),
  // The actions first: NEAR tests its left operand first, and they are the rarer side.
  negation: `((${anyOf(NEGATED_ACTIONS)}) NEAR/2 (${anyOf(NEGATIONS)})) OR ${anyOf(NO_NEW)}`,
};

/**
 * Words and phrases that make a negated clause something else: a negotiation stance (a veto, a
 * package), a threat ("will not hesitate to"), or a double negation ("has not ruled out").
 */
export const NEGATION_EXCEPTIONS = anyOf(
  [
    'veto* block* objection* opposition hesitat* package* paket* paquet* pakiet* пакет* unanimity',
    '"not rule out" "not ruled out" "not ruling out" "never ruled out" "t rule out" "t ruled out"',
  ].join(' '),
);

/** A cue found in the text: its kind and token span [start, end). */
export interface ContextHit {
  kind: ContextKind;
  start: number;
  end: number;
}

/** Token layout the regions are computed on: clause and sentence number of every position. */
export interface ContextLayout {
  /** Number of token positions. */
  count: number;
  clauseOf(position: number): number;
  sentenceOf(position: number): number;
}

/**
 * Token positions to hide (1) for the cues found, given the clause and sentence layout and the
 * positions of negation-exception words (a negation whose clause holds one hides nothing).
 */
export function contextMask(
  hits: readonly ContextHit[],
  layout: ContextLayout,
  exceptions: readonly number[],
): Uint8Array {
  const mask = new Uint8Array(layout.count);
  const exceptionClauses = new Set(exceptions.map((p) => layout.clauseOf(p)));
  for (const hit of hits) {
    const clause = layout.clauseOf(hit.start);
    switch (hit.kind) {
      case 'forward':
      case 'negation': {
        if (hit.kind === 'negation' && exceptionClauses.has(clause)) break;
        const limit = Math.min(layout.count, hit.start + CONTEXT_REACH);
        for (let p = hit.start; p < limit && layout.clauseOf(p) === clause; p++) mask[p] = 1;
        for (let p = hit.start; p < hit.end; p++) mask[p] = 1;
        break;
      }
      case 'clause': {
        let from = hit.start;
        while (from > 0 && layout.clauseOf(from - 1) === clause) from--;
        // A cue that opens its clause qualifies the clause before it, in the same sentence.
        if (from === hit.start && from > 0 && layout.sentenceOf(from - 1) === layout.sentenceOf(from)) {
          const before = layout.clauseOf(from - 1);
          while (from > 0 && layout.clauseOf(from - 1) === before) from--;
        }
        const last = layout.clauseOf(Math.max(hit.start, hit.end - 1));
        for (let p = from; p < layout.count && layout.clauseOf(p) <= last; p++) mask[p] = 1;
        break;
      }
      case 'sentence': {
        const sentence = layout.sentenceOf(hit.start);
        let from = hit.start;
        while (from > 0 && layout.sentenceOf(from - 1) === sentence) from--;
        for (let p = from; p < layout.count && layout.sentenceOf(p) === sentence; p++) mask[p] = 1;
        break;
      }
    }
  }
  return mask;
}
