// The workspace hand-over is one workspace.import entry: folders and runs, nothing else.
import { describe, expect, it } from 'vitest';
import { bodyProblem, mayAuthor } from '../../../src/core/ledger/policy';

const ok = {
  workspace: 'ws-genesis-id',
  folders: [{ folder: 'f1', label: 'Scans 2024', kind: 'picker' }],
  runs: [{ entry: 'a'.repeat(64), utc: '2026-01-01T00:00:00.000Z' }],
  subjects: ['TB-7K3Q9Z'],
};

describe('workspace.import', () => {
  it('accepts folders and runs, and only admins and site staff write it', () => {
    expect(bodyProblem('workspace.import', ok)).toBeNull();
    expect(mayAuthor('workspace.import', 'admin')).toBe(true);
    expect(mayAuthor('workspace.import', 'site')).toBe(true);
    expect(mayAuthor('workspace.import', 'reader')).toBe(false);
    expect(mayAuthor('workspace.import', null)).toBe(false);
  });

  it('refuses extra fields, bad run references and malformed folders', () => {
    expect(bodyProblem('workspace.import', { ...ok, patient: 'x' })).toMatch(/unknown field/);
    expect(bodyProblem('workspace.import', { ...ok, runs: [{ entry: 'nope', utc: 'x' }] })).toMatch(
      /runs has the wrong shape/,
    );
    expect(
      bodyProblem('workspace.import', { ...ok, folders: [{ folder: '', label: 'x', kind: 'k' }] }),
    ).toMatch(/folders has the wrong shape/);
  });
});
