import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { findOrg } from '../../orgs/use-cases/tree.js';

/** The hub a periodical belongs to: it must exist and be a 信息汇总单位. */
export async function hubOrInvalid(ctx: UseCaseContext, hubId: string) {
  const hub = await findOrg(ctx.tx, hubId);
  if (!hub) throw invalid('hubId', '单位不存在');
  if (!hub.isHub) throw invalid('hubId', `「${hub.name}」不是信息汇总单位，不能创办刊物`);
  return hub;
}
