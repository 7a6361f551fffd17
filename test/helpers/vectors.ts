import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Public test vectors kept in the repository (test/vectors/, provenance in its README). */
export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));

export function readVector<T = any>(relPath: string): T {
  return JSON.parse(readFileSync(VECTORS_DIR + relPath, 'utf8')) as T;
}

export function vectorPath(relPath: string): string {
  return VECTORS_DIR + relPath;
}
