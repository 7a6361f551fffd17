import { describe, expect, it } from 'vitest';
import { EventFixtureSchema, fixtureSchemaFor, ScenarioFixtureSchema } from '../../../src/core/fixtures/schema.js';

/** Which schema a fixture file is checked against decides which field an error names (`fbpay fixtures show <file>`). */
describe('fixtureSchemaFor', () => {
  it('a file whose kind is "scenario" is checked as a scenario', () => {
    const raw = { name: 'sc', provider: 'facebook', kind: 'scenario', steps: [{ fixture: 'fb-payment-charge' }] };
    expect(fixtureSchemaFor(raw)).toBe(ScenarioFixtureSchema);
    expect(fixtureSchemaFor(raw).safeParse(raw).success).toBe(true);
    expect(fixtureSchemaFor({ ...raw, steps: [] }).safeParse({ ...raw, steps: [] }).success).toBe(false);
  });
  it.each([null, undefined, 'scenario', 7, [], ['scenario'], {}, { kind: 'Scenario' }, { kind: 'payments-update' }])('anything else (%j) is checked as one event', (raw) => {
    expect(fixtureSchemaFor(raw)).toBe(EventFixtureSchema);
  });
});
