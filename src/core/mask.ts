/**
 * Masks a secret for display: enough to recognise which one it is, never enough to use it.
 * `d25da68caa30b617e2b4e3990cb91e4e` → `d25d…4e (32 chars)`; short secrets show no characters.
 */
export function maskSecret(secret: string | undefined | null): string {
  if (secret === undefined || secret === null) return '(not set)';
  if (secret.length === 0) return '(empty)';
  if (secret.length < 12) return `${'•'.repeat(4)} (${secret.length} chars)`;
  return `${secret.slice(0, 4)}…${secret.slice(-2)} (${secret.length} chars)`;
}

/** Replaces every occurrence of each secret in `text` with its mask. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(maskSecret(s));
  }
  return out;
}
