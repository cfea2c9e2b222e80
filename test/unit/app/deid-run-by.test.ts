// DEID-83: the documents name the operator by the identity's name, never the placeholder.
import { expect, it } from 'vitest';
import { runByName } from '../../../src/app/deid/run-by';
import { FIRST_NAME } from '../../../src/app/ledger-service';

it('uses the name, not the placeholder; says so when no name was given', () => {
  expect(runByName({ name: 'Ann Site', fingerprint: '1234 5678' }, FIRST_NAME)).toBe('Ann Site');
  const unnamed = runByName({ name: FIRST_NAME, fingerprint: '1234 5678' }, FIRST_NAME);
  expect(unnamed).not.toContain(FIRST_NAME);
  expect(unnamed).toMatch(/has not given a name \(device key 1234 5678\)/);
  expect(runByName(null, FIRST_NAME)).toMatch(/no device identity/);
});
