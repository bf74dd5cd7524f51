/**
 * The vocabulary of recorded events, in Chinese: every audit event the server writes and every item
 * timeline action. Pure data (the web UI imports it through src/web/labels.ts; the audit export uses it);
 * tests/unit/audit-labels.test.ts fails when the server can write an event that has no label here.
 */
import { HOP_ACTIONS, ITEM_ACTIONS } from '../items/domain/states.js';
import { ISSUE_ACTION_LABELS } from '../periodicals/domain.js';

/** Item timeline actions (item_events.action); each is also audited as `item.<action>`. */
export const ITEM_EVENT_LABELS = {
  create: '新建稿件',
  edit: '修改稿件',
  submit_for_review: '提交审核',
  approve: '审核通过',
  approve_and_sign: '审核并签发',
  return: '退回修改',
  sign: '签发报送',
  withdraw: '撤回稿件',
  revise_requested: '上级退回，进入修改',
  hop_submit: '报送',
  hop_receive: '签收',
  hop_advance: '审核通过，进入下一环节',
  hop_edit: '上级编辑修改',
  hop_return: '退回修改',
  hop_reject: '退稿',
  hop_resubmit: '重新报送',
  hop_adopt: '采用',
  hop_revoke_adoption: '撤销采用',
  hop_forward: '转报',
  hop_archive: '存档（不采用）',
  hop_withdraw: '撤回报送',
  issue_published: '刊物印发，稿件被采用',
} as const satisfies Record<string, string>;
export type ItemEventAction = keyof typeof ITEM_EVENT_LABELS;

/** Every item event action the workflow can record (compile-time checked against the label map). */
export const ITEM_EVENT_ACTIONS = [
  'create',
  ...ITEM_ACTIONS,
  'revise_requested',
  'hop_submit',
  ...HOP_ACTIONS.map((a) => `hop_${a}` as const),
  'issue_published',
] as const satisfies readonly ItemEventAction[];

export const AUDIT_EVENT_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.password_change': '修改密码',
  'auth.second_factor.enrol_start': '开始绑定两步验证',
  'auth.second_factor.enrol_confirm': '绑定两步验证',
  'auth.second_factor.challenge': '密码正确，等待两步验证',
  'auth.second_factor.verify': '两步验证',
  'auth.second_factor.reset': '重置两步验证',
  'admin.bootstrap': '初始化三员账号',
  'user.create': '新建账号',
  'user.update': '修改账号',
  'user.reset_password': '重置密码',
  'user.auto_disable': '长期未登录自动停用',
  'user.unlock': '解锁账号',
  'user.grant_confirm': '确认单位管理员角色（安全管理员）',
  'user.grant_reject': '拒绝单位管理员角色（安全管理员）',
  'user.phone_reveal': '查看完整电话号码',
  'session.revoke': '强制下线（单个会话）',
  'session.revoke_user': '强制下线（全部会话）',
  'security.policy_update': '修改安全策略',
  'audit.verify': '校验审计日志哈希链',
  'attachment.upload': '上传图片',
  'audit.export': '导出审计日志',
  'access.unauthenticated': '未登录或会话过期被拒绝',
  'access.denied': '越权操作被拒绝',
  'access.not_found': '访问不存在或无权查看的记录',
  'access.csrf_rejected': '安全令牌或来源校验失败',
  'access.rate_limited': '请求过于频繁被限制',
  'access.locked': '账号锁定期间被拒绝',
  'org.create': '新增单位',
  'org.update': '修改单位',
  'org.import': '导入单位树',
  'org.stages_update': '设置接收环节',
  'org.direct_report_update': '设置直报点',
  'periodical.create': '新建刊物',
  'periodical.update': '修改刊物设置',
  'issue.create': '新建一期',
  'issue.update': '修改期刊信息',
  'issue.entry_add': '期刊加入稿件',
  'issue.entry_edit': '修改期刊稿件',
  'issue.entry_remove': '期刊移出稿件',
  'issue.reorder': '调整期刊稿件顺序',
  'issue.excerpt': '摘发',
  'issue.docx': '导出期刊 Word',
  ...Object.fromEntries(Object.entries(ISSUE_ACTION_LABELS).map(([a, l]) => [`issue.${a}`, `期刊${l}`])),
  'scoring.entry_add': '人工加减分',
  'scoring.instruction_create': '登记领导批示',
  'scoring.notice_create': '生成通报',
  'scoring.notice_issue': '下发通报',
  'scoring.quota_create': '新增任务指标',
  'scoring.quota_update': '修改任务指标',
  'scoring.quota_deactivate': '停用任务指标',
  'scoring.rules_update': '修改积分规则',
  ...Object.fromEntries(Object.entries(ITEM_EVENT_LABELS).map(([a, l]) => [`item.${a}`, `稿件：${l}`])),
};

export const AUDIT_RESULT_LABELS = { success: '成功', denied: '拒绝', failure: '失败' } as const;

/** Object types of audit rows. */
export const AUDIT_OBJECT_LABELS: Record<string, string> = {
  user: '账号',
  org: '单位',
  item: '稿件',
  hop: '报送',
  issue: '期刊',
  periodical: '刊物',
  notice: '通报',
  quota: '任务指标',
  score_entry: '积分',
  instruction: '批示',
  session: '会话',
  security_policy: '安全策略',
  audit_log: '审计日志',
  notification: '通知',
  hub: '汇总单位',
  attachment: '图片附件',
  // Link targets of notifications (the same label table serves both).
  instructions: '领导批示',
  follow_ups: '落实反馈',
};

/** A label for any event, never the raw code: an unknown one (older data) reads 其他操作. */
export function auditEventLabel(event: string): string {
  return AUDIT_EVENT_LABELS[event] ?? '其他操作';
}
export function auditObjectLabel(type: string | null): string {
  return type ? (AUDIT_OBJECT_LABELS[type] ?? '其他') : '—';
}
