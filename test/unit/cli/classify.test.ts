import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import classify, {
  classifyLine,
  classifyLineJson,
  classifyStream,
  loadClassifier,
} from '../../../cli/commands/classify.js';
import explain from '../../../cli/commands/explain.js';
import measures from '../../../cli/commands/measures.js';
import type { CliIo } from '../../../cli/io.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(
  command: (args: string[], io: CliIo) => Promise<number>,
  args: string[],
  stdin: Readable = Readable.from([]),
) {
  const out = capture();
  const err = capture();
  const code = await command(args, { stdin, stdout: out.stream, stderr: err.stream, cwd: root, env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('radar classify', () => {
  it('answers one line per input line, in order, and keeps going after bad lines', async () => {
    const input = [
      JSON.stringify({ id: 'a', title: 'EU adopts 12th package of sanctions against Russia', summary: null }),
      '{not json',
      JSON.stringify(['an', 'array']),
      JSON.stringify({ id: 7, title: 42 }),
      '',
      JSON.stringify({ id: 'b', title: 'Oil prices tumble as economies show strain', extra: true }),
    ].join('\r\n');
    // Split mid-line and mid-character to exercise the chunk handling.
    const bytes = Buffer.from(`${input}\n${JSON.stringify({ id: 'ü', title: 'Łódź' })}`);
    const stdin = Readable.from([
      bytes.subarray(0, 10),
      bytes.subarray(10, bytes.length - 3),
      bytes.subarray(bytes.length - 3),
    ]);
    const { code, stdout } = await run(classify, [], stdin);
    expect(code).toBe(0);
    const out = jsonLines(stdout);
    expect(out.map((o) => o.id)).toEqual(['a', null, null, 7, 'b', 'ü']);
    expect(out[0]).toMatchObject({ measures: [{ id: 'eu-package', stage: 'adopted' }] });
    const first = ((out[0]?.measures ?? []) as Array<{ score: number; evidence: unknown[] }>)[0];
    expect(first?.score).toBeGreaterThan(0);
    expect(first?.evidence).toContainEqual({ field: 'title', start: 10, end: 22, text: '12th package' });
    expect(out[1]?.error).toMatch(/^line 2: invalid JSON/);
    expect(out[2]?.error).toBe('line 3: expected a JSON object');
    expect(out[3]?.error).toBe('line 4: title must be a string or null');
    expect(out[4]).toEqual({ id: 'b', measures: [] });
  });

  it('streams: answers early lines before stdin ends', async () => {
    const stdin = new PassThrough();
    const out = new PassThrough();
    const done = classify([], { stdin, stdout: out, stderr: new PassThrough(), cwd: root, env: {} });
    const firstLine = new Promise<string>((resolve) =>
      out.once('data', (c: Buffer) => resolve(c.toString())),
    );
    // 2,000 items push the writer past its flush threshold while stdin is still open.
    for (let i = 0; i < 2000; i++)
      stdin.write(
        `${JSON.stringify({ id: i, title: 'Sanctions on Russian banks: SWIFT cut-off agreed' })}\n`,
      );
    expect(JSON.parse((await firstLine).split('\n')[0] as string)).toMatchObject({ id: 0 });
    stdin.end();
    expect(await done).toBe(0);
  });

  it('uses --measures relative to the working directory and rejects a bad query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-measures-'));
    const file = join(dir, 'm.yaml');
    writeFileSync(
      file,
      'measures:\n  - id: ru-banks\n    name: banks\n    severity: high\n    query: (sberbank OR vtb\n',
    );
    await expect(run(classify, ['--measures', file])).rejects.toThrow(
      'measure "ru-banks" query: at position 17: expected ")" but found end of query',
    );
    writeFileSync(file, 'measures:\n  - id: only\n    name: only\n    severity: low\n    query: sberbank\n');
    const { stdout } = await run(
      classify,
      ['--measures', file],
      Readable.from([`{"id":1,"title":"Sberbank"}\n`]),
    );
    expect(jsonLines(stdout)).toEqual([
      {
        id: 1,
        measures: [
          {
            id: 'only',
            score: 0.7,
            evidence: [{ field: 'title', start: 0, end: 8, text: 'Sberbank' }],
            stage: null,
          },
        ],
      },
    ]);
  });

  it('rejects unknown options as a usage error', async () => {
    await expect(run(classify, ['--nope'])).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('radar measures check', () => {
  it('accepts the default file and reports the measures, with no warnings', async () => {
    const { code, stdout, stderr } = await run(measures, ['check']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ok, 8 measures \(ru-energy, .*relief\), rules version [0-9a-f]{16}/);
    expect(stderr).toBe('');
  });
  it('warns (exit 0) about a phrase written for an English possessive, which never matches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-measures-'));
    const file = join(dir, 'possessive.yaml');
    writeFileSync(
      file,
      'measures:\n  - id: x\n    name: x\n    severity: low\n    query: \'"russia s central bank" OR "u s treasury"\'\n',
    );
    const { code, stderr } = await run(measures, ['check', '--measures', file]);
    expect(code).toBe(0);
    // "u s" is how U.S. tokenises: a real pair of words, not a possessive.
    expect(stderr).toBe(
      `${file}: warning: measure "x" query: phrase "russia s central bank" never matches a possessive ("'s" is dropped when text is tokenised); write "russia central bank"\n`,
    );
  });
  it('names the file, measure, clause and position of a bad query and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-measures-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'measures:\n  - id: x\n    name: x\n    severity: low\n    query: oil\n    excludes: a NEAR/2\n',
    );
    const { code, stderr } = await run(measures, ['check', '--measures', file]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `${file}: measure "x" excludes: at position 9: expected a term, a "phrase" or "(" but found end of query\n`,
    );
  });
});

describe('radar measures words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-words-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    [
      'measures:',
      '  - id: de',
      '    name: de',
      '    severity: low',
      `    query: '*verbot* OR gel* OR "schwarze liste*"'`,
      '  - id: en',
      '    name: en',
      '    severity: low',
      '    query: \'sanction* AND *bank AND (plan OR plans OR "quoted")\'',
      '',
    ].join('\n'),
  );
  const items = [
    { title: 'EU: Ölimportverbot und Exportverbote', summary: 'Gelder der Zentralbank gelten als gesperrt' },
    { title: 'Sanctions on Sberbank', summary: 'plane plans' },
    { title: 'New sanctions', summary: 'Gelder' },
  ]
    .map((i) => JSON.stringify(i))
    .join('\n');

  it('lists each wildcard term with the words it matches in the items, most frequent first', async () => {
    const { code, stdout } = await run(measures, ['words', '--measures', file], Readable.from([items]));
    expect(code).toBe(0);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      // Folding makes "gel*" (French gel, freeze) catch German Gelder (money) and gelten.
      'gel*  (prefix; de): 2 words, 3 times: gelder 2, gelten 1',
      '*bank  (tail; en): 2 words, 2 times: sberbank 1, zentralbank 1',
      '*verbot*  (inner; de): 2 words, 2 times: exportverbote 1, olimportverbot 1',
      // A bare term takes English inflections: "plan" also catches "plane".
      'plan / plans  (inflected; en): 2 words, 2 times: plane 1, plans 1',
      'sanction*  (prefix; en): 1 word, 2 times: sanctions 2',
    ]);
  });
  it('keeps to one measure, caps the words per term and writes JSON Lines on request', async () => {
    const dataFile = join(dir, 'items.jsonl');
    writeFileSync(dataFile, items);
    const { stdout } = await run(measures, [
      'words',
      '--measures',
      file,
      '--items',
      dataFile,
      '--measure',
      'de',
      '--limit',
      '1',
      '--json',
    ]);
    expect(jsonLines(stdout)).toEqual([
      {
        term: 'gel*',
        kind: 'prefix',
        measures: ['de'],
        words: [{ word: 'gelder', count: 2 }],
        distinct: 2,
        total: 3,
      },
      {
        term: '*verbot*',
        kind: 'inner',
        measures: ['de'],
        words: [{ word: 'exportverbote', count: 1 }],
        distinct: 2,
        total: 2,
      },
    ]);
  });
  it('names the input line of a bad item, an unknown measure and a bad limit', async () => {
    await expect(
      run(measures, ['words', '--measures', file], Readable.from(['{"title":"ok"}\nnot json\n'])),
    ).rejects.toThrow('radar measures words: stdin line 2: not JSON');
    await expect(
      run(measures, ['words', '--measures', file], Readable.from(['{"summary":"no title"}\n'])),
    ).rejects.toThrow('stdin line 1: expected an object with a string "title"');
    await expect(run(measures, ['words', '--measures', file, '--measure', 'fr'])).rejects.toThrow(
      '--measure "fr" is not in',
    );
    await expect(run(measures, ['words', '--measures', file, '--limit', 'x'])).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});

describe('radar explain', () => {
  it('shows per measure whether it matched and the spans of each clause', async () => {
    const { code, stdout } = await run(explain, [
      'EU agrees 12th sanctions package against Russia',
      '--measure',
      'eu-package',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('MATCH  eu-package');
    expect(stdout).toContain('title[10-14] "12th"');
    expect(stdout).toContain('excludes clear');
  });
  it('shows the context cues and the words they hide, and a measure they stopped', async () => {
    const { stdout } = await run(explain, [
      'Two years after the EU banned Russian coal, Poland imports record volumes',
      '--measure',
      'ru-energy',
    ]);
    expect(stdout).toContain(
      'context  title[4-15] "years after" (background or hope, to the end of its clause): hides title[4-42] "years after the EU banned Russian coal"',
    );
    expect(stdout).toContain('no     ru-energy');
    expect(stdout).toContain('would match but for the words the context cues above hide');
    const json = JSON.parse(
      (await run(explain, ['Analysts say the EU could ease oil sanctions', '--json'])).stdout,
    ) as {
      context: Array<{ kind: string; hidden: Array<{ text: string }> }>;
    };
    expect(json.context.map((c) => [c.kind, c.hidden.map((h) => h.text)])).toEqual([
      ['sentence', ['Analysts say the EU could ease oil sanctions']],
    ]);
  });
  it('prints JSON with --json', async () => {
    const { stdout } = await run(explain, ['Oil prices tumble', '--json']);
    const parsed = JSON.parse(stdout) as { measures: Array<{ matched: boolean }> };
    expect(parsed.measures).toHaveLength(8);
    expect(parsed.measures.every((m) => !m.matched)).toBe(true);
  });
  it('rejects an unknown measure id', async () => {
    await expect(run(explain, ['x', '--measure', 'nope'])).rejects.toThrow(/unknown measure "nope"/);
  });
});

describe('seed article', () => {
  it('classifies the seed story through the CLI on several tracked measures', async () => {
    const text = readFileSync(join(root, 'test/fixtures/news/seed-article.txt'), 'utf8');
    const line = JSON.stringify({
      id: 'seed',
      title: 'US and EU discuss new coordinated sanctions against Russia',
      summary: text,
    });
    const { stdout } = await run(classify, [], Readable.from([line]));
    const ids = ((jsonLines(stdout)[0]?.measures ?? []) as Array<{ id: string }>).map((m) => m.id);
    expect(
      ids.filter((id) => ['secondary', 'frozen-assets', 'ru-banks', 'ru-energy', 'tariffs'].includes(id))
        .length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('classifyLineJson (the hand-written output serialiser)', () => {
  it('writes exactly JSON.stringify(classifyLine(...)) for any line (property)', async () => {
    const classifier = await loadClassifier(undefined, root);
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(
        'EU adopts "12th" package of sanctions against Russia\u2028 \\ <b>',
        'Unia nałożyła sankcje na rosyjską ropę \ud83d\ude00 \ud800',
        'США ввели санкции против Роснефти\u0000\u001f\u007f',
      ),
      fc
        .array(
          fc.constantFrom(
            'sanctions',
            'Russia',
            'oil',
            'EU',
            'adopts',
            '"',
            '\\',
            '\n',
            '\u2029',
            '\ud83d',
            'é',
          ),
          {
            maxLength: 12,
          },
        )
        .map((w) => w.join(' ')),
    );
    const item = fc.record(
      {
        id: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 8 }),
          fc.integer(),
          fc.double(),
          fc.constant(null),
          fc.boolean(),
        ),
        title: fc.oneof(text, fc.constant(null), fc.integer()),
        summary: fc.oneof(text, fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    const line = fc.oneof(
      { arbitrary: item.map((o) => JSON.stringify(o)), weight: 8 },
      { arbitrary: fc.constantFrom('{not json', '[1]', '"x"', 'null', '7', '{"title":{"a":1}}'), weight: 1 },
    );
    let matched = 0;
    fc.assert(
      fc.property(line, (l) => {
        const expected = JSON.stringify(classifyLine(classifier, l, 3));
        expect(classifyLineJson(classifier, l, 3)).toBe(expected);
        if (expected.includes('"evidence"')) matched++;
      }),
      { numRuns: 1500, seed: 11 },
    );
    expect(matched).toBeGreaterThan(20);
  });
});

describe('classifyStream output blocks', () => {
  it('writes every line whole and in order across block boundaries, huge lines included', async () => {
    const classifier = await loadClassifier(undefined, root);
    // Ids of varied length (multi-byte and lone surrogates too) land lines on and across the block
    // edges; one id alone is larger than a block.
    const ids: string[] = [];
    for (let i = 0; i < 1500; i++) ids.push(`${i}-${'é€x\ud800'.repeat((i * 7919) % 1200)}`);
    ids.splice(700, 0, 'ü'.repeat(300_000));
    const lines = ids.map((id, i) =>
      JSON.stringify({
        id,
        title: i % 3 === 0 ? 'EU adopts sanctions on Russian oil' : 'Weather',
        summary: null,
      }),
    );
    const out = capture();
    const n = await classifyStream(classifier, {
      stdin: Readable.from([Buffer.from(`${lines.join('\n')}\n`)]),
      stdout: out.stream,
      stderr: capture().stream,
      cwd: root,
      env: {},
    });
    expect(n).toBe(lines.length);
    const expected = lines.map((l, i) => `${JSON.stringify(classifyLine(classifier, l, i + 1))}\n`).join('');
    expect(out.text() === Buffer.from(expected, 'utf8').toString('utf8')).toBe(true);
  });
});
