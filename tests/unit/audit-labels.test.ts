import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOP_ACTIONS, ITEM_ACTIONS } from '../../src/server/modules/items/domain/states.js';
import { ISSUE_ACTIONS } from '../../src/server/modules/periodicals/domain.js';
import { REFUSAL_EVENTS } from '../../src/server/modules/audit/refusals.js';
import { ROLES } from '../../src/server/modules/orgs/domain.js';
import { AUDIT_EVENT_LABELS, AUDIT_OBJECT_LABELS, eventLabel, ROLE_LABELS } from '../../src/web/labels.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = [...sources('src/server'), ...sources('src/demo')]
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const all = (re: RegExp) => [...code.matchAll(re)].map((m) => m[1]!);

/**
 * Every event the server can write, found in the source: literal audit events, the audit helpers' event
 * arguments, item timeline actions (audited as item.<action>), issue transitions and refusals.
 */
function writtenEvents(): { audit: Set<string>; itemActions: Set<string> } {
  const audit = new Set<string>([
    ...all(/event:\s*'([a-z_]+\.[a-z_]+)'/g),
    ...all(/auditAdminChange\(\s*ctx,\s*'([a-z_.]+)'/g),
    ...all(/auditIssue\(\s*ctx,\s*'([a-z_.]+)'/g),
    ...all(/auditAction\(\s*ctx,\s*'([a-z_.]+)'/g),
    ...all(/touch\(\s*ctx,\s*[a-zA-Z.]+,\s*'([a-z_.]+)'/g),
    ...all(/'(issue\.[a-z_]+)'/g),
    ...all(/auditScoring\(\s*ctx,\s*'([a-z_]+)'/g).map((e) => `scoring.${e}`),
    ...ISSUE_ACTIONS.map((a) => `issue.${a}`),
    ...REFUSAL_EVENTS,
  ]);
  const itemActions = new Set<string>([
    ...all(/action:\s*'([a-z_]+)'/g),
    ...ITEM_ACTIONS,
    ...HOP_ACTIONS.map((a) => `hop_${a}`),
  ]);
  for (const a of itemActions) audit.add(`item.${a}`);
  return { audit, itemActions };
}

describe('labels for everything the server writes', () => {
  const { audit, itemActions } = writtenEvents();

  it('finds the events (the scan itself works)', () => {
    expect(audit.size).toBeGreaterThan(40);
    expect(audit).toContain('auth.login');
    expect(audit).toContain('scoring.rules_update');
    expect(itemActions).toContain('issue_published');
  });

  it.each([...audit].sort())('audit event %s has a Chinese label', (event) => {
    expect(AUDIT_EVENT_LABELS[event]).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([...itemActions].sort())('timeline action %s has a Chinese label', (action) => {
    expect(eventLabel(action)).not.toBe('其他操作');
    expect(eventLabel(action)).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([...ROLES])('role %s has a Chinese label', (role) => {
    expect(ROLE_LABELS[role]).toMatch(/[\u4e00-\u9fff]/);
  });

  it('object types written by the refusal audit and the modules have labels', () => {
    for (const t of all(/objectType:\s*'([a-z_]+)'/g)) expect(AUDIT_OBJECT_LABELS[t], t).toBeTruthy();
    for (const t of all(/\{\s*type:\s*'([a-z_]+)',\s*id/g)) expect(AUDIT_OBJECT_LABELS[t], t).toBeTruthy();
  });

  it('never shows a raw code for an unknown value', () => {
    expect(eventLabel('made_up_action')).toBe('其他操作');
  });
});
