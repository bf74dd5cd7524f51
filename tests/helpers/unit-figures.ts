import type { UnitFigures } from '../../src/server/modules/scoring/ranking.js';

/** A unit's figures for a period (sql/unit-figures.sql's row): every count 0 unless given. */
export function unitFigures(f: Partial<UnitFigures> & { org_id: string }): UnitFigures {
  return {
    org_kind: 'township',
    org_name: f.org_id,
    org_short_name: f.org_id,
    is_hub: false,
    sort_order: 0,
    submitted_county: 0,
    submitted_city: 0,
    submitted_province: 0,
    submitted_national: 0,
    submitted: 0,
    adopted: 0,
    adoptions: 0,
    adopted_of_submitted: 0,
    by_periodical: {},
    instructions: 0,
    missed_solicitations: 0,
    ledger_points: '0',
    zeroed: false,
    ...f,
  };
}
