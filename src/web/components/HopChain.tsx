import { ArrowRightOutlined, ClockCircleOutlined } from '@ant-design/icons';
import { Button, Empty, Popconfirm, Space, Steps, Tag, Typography } from 'antd';
import type { AdoptionView, HopView } from '../api/types';
import { formatTime } from '../hooks';
import { HOP_ACTION_LABELS, type HopState } from '../labels';
import { HopStateTag, UrgencyTag } from './Tags';
import type { HopAction } from '../../server/modules/items/domain/states';

/** Buttons in the order an editor reads them; shown only when the server says the action is allowed. */
const BUTTON_ORDER: HopAction[] = [
  'receive',
  'advance',
  'edit',
  'adopt',
  'forward',
  'return',
  'reject',
  'archive',
  'resubmit',
  'withdraw',
];
const QUICK: ReadonlySet<HopAction> = new Set(['receive']);
const DANGER: ReadonlySet<HopAction> = new Set(['reject', 'withdraw']);
const PRIMARY: ReadonlySet<HopAction> = new Set(['receive', 'adopt']);

function ordered(hops: readonly HopView[]): { hop: HopView; depth: number }[] {
  const out: { hop: HopView; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const h of hops.filter((x) => x.parentHopId === parent)) {
      out.push({ hop: h, depth });
      visit(h.id, depth + 1);
    }
  };
  visit(null, 0);
  // Hops whose parent the viewer cannot see (a higher hub's view) still show, at the top level.
  for (const h of hops) if (!out.some((o) => o.hop.id === h.id)) out.push({ hop: h, depth: 0 });
  return out;
}

export function HopChain(props: {
  hops: readonly HopView[];
  adoptions: readonly AdoptionView[];
  onAction(hop: HopView, action: HopAction): void;
  onQuick(hop: HopView, action: HopAction): Promise<void>;
  onRevoke(adoption: AdoptionView): void;
}) {
  const { hops, adoptions, onAction, onQuick, onRevoke } = props;
  if (hops.length === 0) return <Empty description="尚未报送" image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <div data-testid="hop-chain">
      {ordered(hops).map(({ hop, depth }) => {
        const ab = hop.abilities as Record<HopAction, boolean>;
        const buttons = BUTTON_ORDER.filter((a) => ab[a]);
        const hopAdoptions = adoptions.filter((a) => a.hopId === hop.id);
        return (
          <div
            key={hop.id}
            className={'zx-hop' + (depth > 0 ? ' forwarded' : '')}
            style={depth > 1 ? { marginLeft: depth * 24 } : undefined}
            data-testid={`hop-${hop.toOrgName}`}
          >
            <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
              <Space wrap>
                {depth > 0 ? <Tag color="purple">转报</Tag> : null}
                <Typography.Text>{hop.fromOrgName}</Typography.Text>
                <ArrowRightOutlined className="zx-muted" />
                <Typography.Text strong>{hop.toOrgName}</Typography.Text>
                <HopStateTag state={hop.state as HopState} />
                {hop.stageName && hop.state === 'received' ? (
                  <Tag color="geekblue">当前环节：{hop.stageName}</Tag>
                ) : null}
                <UrgencyTag urgency={hop.urgency} />
              </Space>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                报送 {formatTime(hop.submittedAt)}
                {hop.receivedAt ? ` · 签收 ${formatTime(hop.receivedAt)}` : ''}
                {hop.versionNo ? ` · 报送第${hop.versionNo}版` : ''}
                {hop.workingVersionNo ? ` · 编辑至第${hop.workingVersionNo}版` : ''}
              </Typography.Text>
            </Space>
            {hop.state === 'pending' && hop.signForDeadline ? (
              <div style={{ marginTop: 6 }}>
                <Typography.Text type="danger">
                  <ClockCircleOutlined /> 特急信息，须于 {formatTime(hop.signForDeadline)} 前签收
                </Typography.Text>
              </div>
            ) : null}
            {hop.stages.length > 0 && hop.state === 'received' ? (
              <Steps
                size="small"
                style={{ marginTop: 10, maxWidth: 520 }}
                current={Math.max(0, hop.stage - 1)}
                items={hop.stages.map((s) => ({ title: s.name }))}
              />
            ) : null}
            {hop.lastReason && (hop.state === 'returned' || hop.state === 'rejected') ? (
              <div className="zx-reason">
                {hop.state === 'returned' ? '退回理由：' : '退稿理由：'}
                {hop.lastReason}
              </div>
            ) : null}
            {hopAdoptions.length ? (
              <div style={{ marginTop: 8 }}>
                {hopAdoptions.map((a) => (
                  <Tag key={a.id} color={a.revokedAt ? 'default' : 'red'} style={{ padding: '2px 8px' }}>
                    {a.revokedAt ? '（已撤销）' : ''}被
                    {a.periodicalName.startsWith('《') ? a.periodicalName : `《${a.periodicalName}》`}
                    {a.typeLabel}
                    {!a.revokedAt && ab.revoke_adoption ? (
                      <Button
                        type="link"
                        size="small"
                        danger
                        onClick={() => onRevoke(a)}
                        style={{ paddingInline: 4 }}
                      >
                        撤销
                      </Button>
                    ) : null}
                  </Tag>
                ))}
              </div>
            ) : null}
            {buttons.length ? (
              <Space wrap style={{ marginTop: 10 }}>
                {buttons.map((a) =>
                  QUICK.has(a) ? (
                    <Popconfirm
                      key={a}
                      title={`确认${HOP_ACTION_LABELS[a]}？`}
                      description="签收后，报送单位将不能撤回该稿件。"
                      okText="签收"
                      cancelText="取消"
                      onConfirm={() => onQuick(hop, a)}
                    >
                      <Button type="primary">{HOP_ACTION_LABELS[a]}</Button>
                    </Popconfirm>
                  ) : (
                    <Button
                      key={a}
                      type={PRIMARY.has(a) ? 'primary' : 'default'}
                      danger={DANGER.has(a)}
                      onClick={() => onAction(hop, a)}
                    >
                      {a === 'advance' ? '本环节通过' : a === 'edit' ? '编辑稿件' : HOP_ACTION_LABELS[a]}
                    </Button>
                  ),
                )}
              </Space>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
