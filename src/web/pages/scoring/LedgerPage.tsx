import { MinusCircleOutlined, PlusCircleOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  InputNumber,
  Result,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { LedgerRow, ScoringRulesView } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { ActionModal, type ActionSpec } from '../../components/ActionModal';
import { useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { ENTRY_KIND_LABELS, PENALTY_TYPES, PENALTY_TYPE_LABELS, useScoringHub } from './shared';
import { evaluatedUnits } from './units';

type ManualKind = 'manual_bonus' | 'manual_deduction' | 'penalty' | 'missed_solicitation';

const KIND_COLORS: Record<string, string> = {
  adoption: 'green',
  instruction: 'blue',
  manual_bonus: 'cyan',
  manual_deduction: 'orange',
  penalty: 'red',
  missed_solicitation: 'volcano',
};

/** 积分台账: every ledger row with its explanation; manual 加分/扣分/处罚/约稿未报 with a reason. */
export default function LedgerPage() {
  const me = useMe();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const { hub, picker } = useScoringHub(me);
  const [params, setParams] = useSearchParams();
  const orgId = params.get('orgId') ?? undefined;
  const kind = params.get('kind') ?? undefined;
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const [spec, setSpec] = useState<ActionSpec | null>(null);

  const units = useLoad(() => (hub ? evaluatedUnits(hub.id) : Promise.resolve([])), [hub?.id]);
  const rules = useLoad(
    () => (hub ? api.get<ScoringRulesView>(`/api/hubs/${hub.id}/scoring-rules`) : Promise.resolve(null)),
    [hub?.id],
  );
  const ledger = useLoad(
    () =>
      hub
        ? api.get<{ rows: LedgerRow[] }>(`/api/hubs/${hub.id}/score-entries`, { orgId, from, to, limit: 500 })
        : Promise.resolve({ rows: [] }),
    [hub?.id, orgId, from, to],
  );
  const names = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u.name])), [units.data]);
  const rows = (ledger.data?.rows ?? []).filter((r) => !kind || r.kind === kind);
  const sum = Math.round(rows.reduce((s, r) => s + r.points, 0) * 100) / 100;

  const setFilters = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  if (!hub)
    return (
      <PageContainer title="积分台账" crumbs={[{ title: '考核统计' }, { title: '积分台账' }]}>
        <Result status="403" title="本账号不在信息汇总单位任职" />
      </PageContainer>
    );

  const penalties = rules.data?.rules.penalties;
  const manualSpec = (k: ManualKind): ActionSpec => ({
    key: k,
    title: {
      manual_bonus: '加分',
      manual_deduction: '扣分',
      penalty: '紧急信息报送扣分',
      missed_solicitation: '登记约稿未报',
    }[k],
    okText: '登记',
    danger: k !== 'manual_bonus',
    intro:
      k === 'penalty'
        ? '按积分规则中迟报、漏报、瞒报、误报的分值扣分。'
        : k === 'missed_solicitation'
          ? `约稿未报不直接扣分；全年累计${rules.data?.rules.missedSolicitationsZeroAt ?? 2}次及以上，年度积分清零。`
          : '手工加减分计入积分台账，须写明理由，登记人留痕。',
    fields: (
      <>
        <Form.Item label="单位" name="orgId" rules={[{ required: true, message: '请选择单位' }]}>
          <Select
            showSearch
            optionFilterProp="label"
            placeholder="选择考核单位"
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        {k === 'manual_bonus' || k === 'manual_deduction' ? (
          <Form.Item label="分值" name="points" rules={[{ required: true, message: '请填写分值' }]}>
            <InputNumber min={0.01} max={10000} suffix="分" style={{ width: 200 }} />
          </Form.Item>
        ) : null}
        {k === 'penalty' ? (
          <Form.Item label="类型" name="penaltyType" rules={[{ required: true, message: '请选择类型' }]}>
            <Select
              options={PENALTY_TYPES.map((t) => ({
                value: t,
                label: `${PENALTY_TYPE_LABELS[t]}${penalties ? `（${penalties[t]}分）` : ''}`,
              }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item label="发生日期" name="occurredOn">
          <DatePicker style={{ width: 200 }} />
        </Form.Item>
      </>
    ),
    initialValues: { orgId, occurredOn: dayjs() },
    text: {
      name: 'reason',
      label: '理由',
      required: true,
      placeholder: '如：所报建议被市政府采纳，奖励125分',
    },
    run: async (v) => {
      try {
        await api.post(`/api/hubs/${hub.id}/score-entries`, {
          kind: k,
          orgId: v.orgId as string,
          ...(k === 'manual_bonus' || k === 'manual_deduction' ? { points: v.points as number } : {}),
          ...(k === 'penalty' ? { penaltyType: v.penaltyType as string } : {}),
          reason: String(v.reason ?? '').trim(),
          occurredOn: v.occurredOn ? (v.occurredOn as Dayjs).format('YYYY-MM-DD') : undefined,
        });
        void message.success('已登记');
        ledger.reload();
      } catch (e) {
        onError(e);
        throw e;
      }
    },
  });

  const canAdd = Boolean(rules.data?.abilities.add_entry);
  return (
    <PageContainer
      title="积分台账"
      crumbs={[{ title: '考核统计' }, { title: '积分台账' }]}
      extra={
        <Space wrap>
          {picker}
          {canAdd ? (
            <>
              <Button icon={<PlusCircleOutlined />} onClick={() => setSpec(manualSpec('manual_bonus'))}>
                加分
              </Button>
              <Button icon={<MinusCircleOutlined />} onClick={() => setSpec(manualSpec('manual_deduction'))}>
                扣分
              </Button>
              <Button icon={<WarningOutlined />} onClick={() => setSpec(manualSpec('penalty'))}>
                紧急信息扣分
              </Button>
              <Button onClick={() => setSpec(manualSpec('missed_solicitation'))}>约稿未报</Button>
            </>
          ) : null}
          <Button icon={<ReloadOutlined />} onClick={ledger.reload} aria-label="刷新" />
        </Space>
      }
    >
      <Card>
        <Space wrap className="zx-filter-bar">
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder="全部单位"
            aria-label="单位"
            style={{ width: 240 }}
            value={orgId}
            onChange={(v?: string) => setFilters({ orgId: v })}
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
          <Select
            allowClear
            placeholder="全部类别"
            aria-label="类别"
            style={{ width: 170 }}
            value={kind}
            onChange={(v?: string) => setFilters({ kind: v })}
            options={Object.entries(ENTRY_KIND_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <DatePicker.RangePicker
            aria-label="日期"
            value={from && to ? [dayjs(from), dayjs(to)] : null}
            onChange={(r) =>
              setFilters({ from: r?.[0]?.format('YYYY-MM-DD'), to: r?.[1]?.format('YYYY-MM-DD') })
            }
          />
          <Typography.Text type="secondary">
            共 {rows.length} 条，合计 <b style={{ color: sum < 0 ? '#cf1322' : '#1f2937' }}>{sum}</b> 分
            {rows.length >= 500 ? '（仅显示最近500条，请缩小范围）' : ''}
          </Typography.Text>
        </Space>
        {ledger.error ? (
          <Alert type="error" showIcon title={ledger.error.message} style={{ marginBottom: 12 }} />
        ) : null}
        <ResponsiveTable<LedgerRow>
          rowKey="id"
          size="middle"
          loading={ledger.loading}
          dataSource={rows}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          locale={{
            emptyText: <Empty description="暂无积分记录。设置积分规则后，采用和批示将自动计分。" />,
          }}
          columns={[
            {
              title: '日期',
              dataIndex: 'occurredAt',
              width: 110,
              render: (t: string) => dayjs(t).format('YYYY-MM-DD'),
            },
            {
              title: '单位',
              dataIndex: 'orgId',
              width: 200,
              render: (id: string) => names.get(id) ?? '—',
            },
            {
              title: '类别',
              dataIndex: 'kindLabel',
              width: 150,
              render: (l: string, r) => <Tag color={KIND_COLORS[r.kind]}>{l}</Tag>,
            },
            {
              title: '分值',
              dataIndex: 'points',
              width: 80,
              align: 'right',
              render: (p: number) => (
                <b style={{ color: p < 0 ? '#cf1322' : p > 0 ? '#237804' : '#6b7280' }}>
                  {p > 0 ? `+${p}` : p}
                </b>
              ),
            },
            {
              title: '说明',
              dataIndex: 'explanation',
              render: (x: string, r) => (
                <div>
                  <div>{x}</div>
                  {r.itemId ? (
                    <Link to={`/items/${r.itemId}`} style={{ fontSize: 12 }}>
                      查看稿件
                    </Link>
                  ) : null}
                </div>
              ),
            },
            {
              title: '登记',
              key: 'by',
              width: 150,
              render: (_: unknown, r) =>
                r.manual ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.createdByName ?? '—'}
                  </Typography.Text>
                ) : (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    自动计分 · 规则第{r.ruleVersion}版
                  </Typography.Text>
                ),
            },
          ]}
        />
      </Card>
      <ActionModal spec={spec} onClose={() => setSpec(null)} />
    </PageContainer>
  );
}
