/**
 * Wire types. Where the server exports the function that builds a response, the type is derived from
 * it (dates become ISO strings on the wire), so a change on the server breaks the build here.
 */
import type { z } from 'zod';
import type { dashboardCounts, listInbox, listItems } from '../../server/modules/items/queries.js';
import type { DiffPart } from '../../server/modules/items/domain/text.js';
import type { Role } from '../../server/modules/orgs/domain.js';
import type {
  HopTransitionResult,
  ItemDetail as ItemDetailSchema,
  ItemTransitionResult,
} from '../../server/modules/items/schemas.js';

/** JSON.parse(JSON.stringify(x)) as a type: Date → string, recursively. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** From the response schema the route serialises through: a field it does not declare never arrives. */
export type ItemDetail = Wire<z.output<typeof ItemDetailSchema>>;
export type HopView = ItemDetail['hops'][number];
export type TimelineEvent = ItemDetail['timeline'][number];
export type VersionView = ItemDetail['versions'][number];
export type AdoptionView = ItemDetail['adoptions'][number];
export type ItemAbilities = ItemDetail['abilities'];
export type HopAbilities = HopView['abilities'];

/** What an item action (PUT /api/items/:id, …/submit, …/sign …) answers: what changed. */
export type ItemTransition = Wire<ItemTransitionResult>;
/** What a hop action (…/receive, …/adopt …) answers: what changed. */
export type HopTransition = Wire<HopTransitionResult>;

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
  /** The security policy requires a second factor and this user has none yet: sent to 两步验证. */
  mustEnrolSecondFactor?: boolean;
  /** What administrators did to this account lately (reset, unlock, roles, forced logout). */
  accountNotices?: { event: string; label: string; at: string }[];
}

// ---- periodicals, issues, notifications -------------------------------------------------------
import type { presentIssue, presentPeriodical } from '../../server/modules/periodicals/present.js';
import type { listPool } from '../../server/modules/periodicals/use-cases/pool.js';
import type {
  listIssuesOfPeriodical,
  listReceived,
} from '../../server/modules/periodicals/use-cases/read-issue.js';
import type { listNotifications } from '../../server/modules/notifications/routes.js';

export type PeriodicalView = Wire<ReturnType<typeof presentPeriodical>>;
export type IssueView = Wire<Awaited<ReturnType<typeof presentIssue>>>;
export type IssueEntry = IssueView['entries'][number];
export type IssueRecipient = NonNullable<IssueView['distribution']>['recipients'][number];
export type DistributionLines = IssueView['lines'];
export type PoolPage = Wire<Awaited<ReturnType<typeof listPool>>>;
export type PoolRow = PoolPage['rows'][number];
export type IssueListPage = Wire<Awaited<ReturnType<typeof listIssuesOfPeriodical>>>;
export type IssueListRow = IssueListPage['rows'][number];
export type ReceivedPage = Wire<Awaited<ReturnType<typeof listReceived>>>;
export type ReceivedRow = ReceivedPage['rows'][number];
export type NotificationsPage = Wire<Awaited<ReturnType<typeof listNotifications>>>;
export type NotificationRow = NotificationsPage['rows'][number];

// ---- scoring, quotas, notices, rewards --------------------------------------------------------
import type { lagging, rankings } from '../../server/modules/scoring/use-cases/rankings.js';
import type { presentQuota, quotaProgress } from '../../server/modules/scoring/use-cases/quotas.js';
import type { hubNotices, myNotices, presentNotice } from '../../server/modules/scoring/use-cases/notices.js';
import type { rewards } from '../../server/modules/scoring/use-cases/rewards.js';
import type { listLedger } from '../../server/modules/scoring/use-cases/score-entries.js';
import type { ScoringRules } from '../../server/modules/scoring/domain.js';

export type RankingsView = Wire<Awaited<ReturnType<typeof rankings>>>;
export type RankingRow = RankingsView['rows'][number];
export type LaggingView = Wire<Awaited<ReturnType<typeof lagging>>>;
export type LaggingRow = LaggingView['rows'][number];
export type QuotaView = Wire<ReturnType<typeof presentQuota>>;
export type QuotaProgressRow = Wire<Awaited<ReturnType<typeof quotaProgress>>>[number];
export type NoticeView = Wire<ReturnType<typeof presentNotice>>;
export type NoticeSnapshot = NoticeView['snapshot'];
export type HubNoticeRow = Wire<Awaited<ReturnType<typeof hubNotices>>>[number];
export type MyNoticeRow = Wire<Awaited<ReturnType<typeof myNotices>>>[number];
export type RewardsView = Wire<Awaited<ReturnType<typeof rewards>>>;
export type LedgerRow = Wire<Awaited<ReturnType<typeof listLedger>>>[number];
export type { ScoringRules };

/** GET/PUT /api/hubs/:id/scoring-rules (the route builds it inline). */
export interface ScoringRulesView {
  hubId: string;
  rules: ScoringRules;
  version: number;
  /** Same as version: what PUT sends back (0 while the defaults apply). */
  rowVersion: number;
  isDefault: boolean;
  updatedAt: string | null;
  labels: { entryKinds: Record<string, string>; penaltyTypes: Record<string, string> };
  abilities: { edit_rules: boolean; add_entry: boolean };
  recomputed?: unknown;
}
