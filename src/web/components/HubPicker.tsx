import { Select } from 'antd';
import { useSearchParams } from 'react-router-dom';
import type { Me, MeUnit } from '../api/types';
import type { Role } from '../../server/modules/orgs/domain';

/** The hubs (信息汇总单位) where the user holds one of `roles`. */
export function hubsWithRole(me: Me, roles: readonly Role[]): MeUnit[] {
  return me.units.filter((u) => u.isHub !== false && u.roles.some((r) => roles.includes(r)));
}

/**
 * The hub a hub-side page works on: `?hubId=` when the user works for several hubs, else their only one.
 * Returns the picker to put in the page head (null with a single hub).
 */
export function useHub(me: Me, roles: readonly Role[]) {
  const [params, setParams] = useSearchParams();
  const hubs = hubsWithRole(me, roles);
  const wanted = params.get('hubId');
  const hub = hubs.find((h) => h.id === wanted) ?? hubs[0] ?? null;
  const picker =
    hubs.length > 1 ? (
      <Select
        aria-label="信息汇总单位"
        style={{ width: 220 }}
        value={hub?.id}
        onChange={(v: string) => {
          const next = new URLSearchParams(params);
          next.set('hubId', v);
          setParams(next, { replace: true });
        }}
        options={hubs.map((h) => ({ value: h.id, label: h.name ?? h.id }))}
      />
    ) : null;
  return { hub, hubs, picker };
}
