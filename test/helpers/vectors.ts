import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/vectors beside the checkout (never copied into the repo). Tests skip visibly when absent. */
export const VECTORS_DIR = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));
export const HAVE_VECTORS = existsSync(VECTORS_DIR);

export function readVector<T = any>(relPath: string): T {
  return JSON.parse(readFileSync(VECTORS_DIR + relPath, 'utf8')) as T;
}

export function vectorPath(relPath: string): string {
  return VECTORS_DIR + relPath;
}

if (!HAVE_VECTORS) console.warn(`[fbpay tests] ${VECTORS_DIR} not found: vector tests are SKIPPED`);
