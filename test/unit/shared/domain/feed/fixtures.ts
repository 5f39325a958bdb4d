/** Reads committed feed fixtures (test/fixtures/feeds) as bytes. */
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../../../fixtures/feeds/', import.meta.url);

/** Bytes of test/fixtures/feeds/<path>. */
export function fixture(path: string): Uint8Array {
  return readFileSync(new URL(path, ROOT));
}

/** UTF-8 bytes of a string, for inline feeds. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
