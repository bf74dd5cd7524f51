import { api } from '../../api/client';

export interface EvaluatedUnit {
  id: string;
  name: string;
}

/** The units a hub evaluates (its direct reporting units, child hubs and 直报点), as the server defines them. */
export async function evaluatedUnits(hubId: string): Promise<EvaluatedUnit[]> {
  const rows = await api.get<{ id: string; name: string }[]>(`/api/hubs/${hubId}/evaluated-units`);
  return rows.map((x) => ({ id: x.id, name: x.name }));
}
