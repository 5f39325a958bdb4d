/** Labelled JSON Lines sets, as the eval scripts read them: one {id, title, summary, labels} per line. */
import { readFileSync } from 'node:fs';

export interface LabelledItem {
  id: string;
  title: string | null;
  summary: string | null;
  labels: string[];
}

/** The items of a JSON Lines file; a missing file or a bad line throws naming the file (and line). */
export function readLabelled(file: string): LabelledItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a directory, not a JSON Lines file' : (error as Error).message;
    throw new Error(`cannot read ${file}: ${why}`);
  }
  const out: LabelledItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let item: Partial<LabelledItem>;
    try {
      item = JSON.parse(line) as Partial<LabelledItem>;
    } catch (error) {
      throw new Error(`${file} line ${i + 1}: not JSON (${(error as Error).message})`);
    }
    if (typeof item.id !== 'string' || !Array.isArray(item.labels))
      throw new Error(`${file} line ${i + 1}: expected "id" (string) and "labels" (array)`);
    out.push({ id: item.id, title: item.title ?? null, summary: item.summary ?? null, labels: item.labels });
  });
  return out;
}
