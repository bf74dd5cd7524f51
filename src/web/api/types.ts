/**
 * Wire types. Where the server exports the function that builds a response, the type is derived from
 * it (dates become ISO strings on the wire), so a change on the server breaks the build here.
 */
import type { presentItemDetail } from '../../server/modules/items/present.js';
import type { dashboardCounts, listInbox, listItems } from '../../server/modules/items/queries.js';
import type { DiffPart } from '../../server/modules/items/domain/text.js';
import type { Role } from '../../server/modules/orgs/domain.js';

/** JSON.parse(JSON.stringify(x)) as a type: Date → string, recursively. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type ItemDetail = Wire<Awaited<ReturnType<typeof presentItemDetail>>>;
export type HopView = ItemDetail['hops'][number];
export type TimelineEvent = ItemDetail['timeline'][number];
export type VersionView = ItemDetail['versions'][number];
export type AdoptionView = ItemDetail['adoptions'][number];
export type ItemAbilities = ItemDetail['abilities'];
export type HopAbilities = HopView['abilities'];

export type ItemListPage = Wire<Awaited<ReturnType<typeof listItems>>>;
export type ItemRow = ItemListPage['rows'][number];
export type InboxPage = Wire<Awaited<ReturnType<typeof listInbox>>>;
export type InboxRow = InboxPage['rows'][number];
export type DashboardCounts = Awaited<ReturnType<typeof dashboardCounts>>;

export interface DiffResult {
  from: number;
  to: number;
  title: DiffPart[];
  body: DiffPart[];
}
export type { DiffPart };

export interface OrgRef {
  id: string;
  name: string;
  level: string;
}

export interface MeUnit {
  id: string;
  name?: string;
  shortName?: string;
  isHub?: boolean;
  level?: string;
  reviewMode?: string;
  roles: Role[];
  roleLabels: string[];
}

export interface Me {
  user: { id: string; username: string; displayName: string };
  units: MeUnit[];
  csrfToken: string;
  mustChangePassword: boolean;
}
