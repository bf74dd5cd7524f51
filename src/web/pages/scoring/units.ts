import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { RankingsView } from '../../api/types';

export interface EvaluatedUnit {
  id: string;
  name: string;
}

/**
 * The units a hub evaluates, read from this year's ranking (the server has no separate list endpoint;
 * every evaluated unit has a ranking row, with zeros when idle).
 */
export async function evaluatedUnits(hubId: string): Promise<EvaluatedUnit[]> {
  const r = await api.get<RankingsView>(`/api/hubs/${hubId}/rankings`, {
    period: 'year',
    year: dayjs().year(),
  });
  return r.rows
    .map((x) => ({ id: x.orgId, name: x.orgName }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}
