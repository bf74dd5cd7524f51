import type { UseCaseContext } from '../../../http/context.js';
import { inArray } from 'drizzle-orm';
import { orgs, users } from '../../orgs/schema.js';
import type { OrgLevel } from '../../orgs/domain.js';
import { ORG_LEVEL_LABELS } from '../../orgs/domain.js';
import { resolvePeriod } from '../periods.js';
import { hubFor, loadRules } from '../repo.js';
import { rewardFor } from '../rules.js';
import { runNamed } from '../sql.js';

interface RewardRow {
  adoption_id: string;
  item_id: string;
  title: string;
  org_id: string;
  author_id: string;
  adopting_level: OrgLevel;
  periodical_name: string;
  adopted_at: string;
}

/**
 * 奖励 for a year: every live adoption, by a periodical the hub counts, of an item written in the hub or
 * a unit it evaluates earns the rules' amount for the adopting periodical's level (省级200元, 市级100元,
 * 县级50元), paid to the item's author; several periodicals add up; co-reporting does not split a reward.
 */
export async function rewards(ctx: UseCaseContext, hubId: string, year: number) {
  const hub = await hubFor(ctx, hubId, 'view');
  const { rules } = await loadRules(ctx.tx, hubId);
  const period = resolvePeriod({ kind: 'year', year })!;
  const rows = await runNamed<RewardRow>(ctx.tx, 'rewards', {
    hubId,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    periodicalIds: JSON.stringify(rules.periodicals.map((p) => p.periodicalId)),
  });
  const authorIds = [...new Set(rows.map((r) => r.author_id))];
  const orgIds = [...new Set(rows.map((r) => r.org_id))];
  const [people, units] = await Promise.all([
    authorIds.length
      ? ctx.tx
          .select({ id: users.id, name: users.displayName })
          .from(users)
          .where(inArray(users.id, authorIds))
      : [],
    orgIds.length
      ? ctx.tx.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, orgIds))
      : [],
  ]);
  const personName = new Map(people.map((p) => [p.id, p.name]));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const adoptions = rows.map((r) => ({
    adoptionId: r.adoption_id,
    itemId: r.item_id,
    title: r.title,
    orgId: r.org_id,
    orgName: unitName.get(r.org_id) ?? '',
    authorId: r.author_id,
    authorName: personName.get(r.author_id) ?? '',
    periodicalName: r.periodical_name,
    level: r.adopting_level,
    levelLabel: ORG_LEVEL_LABELS[r.adopting_level],
    adoptedAt: new Date(r.adopted_at).toISOString(),
    amount: rewardFor(rules, r.adopting_level),
  }));
  const group = (key: (a: (typeof adoptions)[number]) => string) => {
    const m = new Map<string, { count: number; amount: number; byLevel: Record<string, number> }>();
    for (const a of adoptions) {
      const g = m.get(key(a)) ?? { count: 0, amount: 0, byLevel: {} };
      g.count += 1;
      g.amount += a.amount;
      g.byLevel[a.level] = (g.byLevel[a.level] ?? 0) + 1;
      m.set(key(a), g);
    }
    return m;
  };
  const byAuthor = group((a) => a.authorId);
  const byUnit = group((a) => a.orgId);
  return {
    hub: { id: hub.id, name: hub.name },
    year,
    amounts: rules.rewards,
    officers: [...byAuthor]
      .map(([id, g]) => ({
        userId: id,
        name: personName.get(id) ?? '',
        orgName: unitName.get(adoptions.find((a) => a.authorId === id)?.orgId ?? '') ?? '',
        ...g,
      }))
      .sort((a, b) => b.amount - a.amount),
    units: [...byUnit]
      .map(([id, g]) => ({ orgId: id, orgName: unitName.get(id) ?? '', ...g }))
      .sort((a, b) => b.amount - a.amount),
    adoptions,
    total: adoptions.reduce((s, a) => s + a.amount, 0),
  };
}
