import { invalid } from '../../../http/errors.js';
import { resolvePeriod, type Period, type PeriodSpec } from '../periods.js';

/**
 * The period a request names, or 400 naming the field `period`. The query schemas refuse most bad periods
 * first (schemas.ts periodRefine); this catches what only resolving shows.
 */
export function requestedPeriod(spec: PeriodSpec): Period {
  const period = resolvePeriod(spec);
  if (!period) throw invalid('period', '统计期间无效');
  return period;
}
