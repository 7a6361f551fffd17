import { describe, expect, it, vi } from 'vitest';
import { requireTool, skipWithout, toolRuns } from './tools.js';

describe('optional test tools: skipped visibly on a laptop, never skipped in CI', () => {
  it('a present tool never skips', () => {
    expect(skipWithout('node', toolRuns(process.execPath), 'n/a', false)).toBe(false);
    expect(skipWithout('node', true, 'n/a', true)).toBe(false);
  });

  it('a missing tool skips outside CI and says so; with CI=true the tests run (and fail) instead', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(toolRuns('fbpay-no-such-tool-7f3')).toBe(false);
      expect(skipWithout('no-such-tool', false, 'apt-get install it', false)).toBe(true);
      expect(warn.mock.calls.join(' ')).toMatch(/no-such-tool not found: .*SKIPPED \(apt-get install it\)/);
      expect(skipWithout('no-such-tool', false, 'apt-get install it', true)).toBe(false);
      expect(error.mock.calls.join(' ')).toMatch(/no-such-tool not found with CI=true: .*FAIL/);
      expect(() => requireTool('no-such-tool', false, 'apt-get install it')).toThrow(/no-such-tool is required here .*apt-get install it/);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
