import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { LaggingRow, LaggingView, QuotaView } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { ORG_KINDS } from '../../admin/org-vocab';
import { useErrorHandler, useLoad } from '../../hooks';
import { ORG_KIND_LABELS } from '../../labels';
import { PageContainer } from '../../layout/PageContainer';
import {
  LEVEL_SHORT,
  PeriodPicker,
  periodQuery,
  QUOTA_PERIODS,
  QUOTA_PERIOD_LABELS,
  rateText,
  TARGET_LEVELS,
  usePeriodParam,
  useScoringHub,
} from './shared';
import { evaluatedUnits } from './units';

interface QuotaForm {
  scope: 'all' | 'org' | 'kind';
  orgId?: string;
  orgKind?: string;
  period: QuotaView['period'];
  minSubmitted: Partial<Record<(typeof TARGET_LEVELS)[number], number | null>>;
  minAdopted?: number | null;
  ratePercent?: number | null;
}

const clean = (m: QuotaForm['minSubmitted']) =>
  Object.fromEntries(Object.entries(m ?? {}).filter(([, v]) => typeof v === 'number' && v > 0));

/** 任务指标 of a hub (per unit, per unit category or for all) and the 信息报送滞后单位 over a period. */
export default function QuotasPage() {
  const me = useMe();
  const { hub, picker } = useScoringHub(me);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'quotas';
  if (!hub)
    return (
      <PageContainer title="任务指标" crumbs={[{ title: '考核统计' }, { title: '任务指标' }]}>
        <Result status="403" title="本账号不在信息汇总单位任职" />
      </PageContainer>
    );
  return (
    <PageContainer title="任务指标" crumbs={[{ title: '考核统计' }, { title: '任务指标' }]} extra={picker}>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            const next = new URLSearchParams(params);
            next.set('tab', k);
            setParams(next, { replace: true });
          }}
          items={[
            { key: 'quotas', label: '指标设置', children: <QuotaTable hubId={hub.id} /> },
            { key: 'lagging', label: '滞后单位', children: <LaggingTable hubId={hub.id} /> },
          ]}
        />
      </Card>
    </PageContainer>
  );
}

function QuotaTable({ hubId }: { hubId: string }) {
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const list = useLoad(
    () => api.get<{ rows: QuotaView[]; abilities: { manage_quotas: boolean } }>(`/api/hubs/${hubId}/quotas`),
    [hubId],
  );
  const units = useLoad(() => evaluatedUnits(hubId), [hubId]);
  const [editing, setEditing] = useState<QuotaView | 'new' | null>(null);
  const [form] = Form.useForm<QuotaForm>();
  const rows = list.data?.rows ?? [];
  const canManage = Boolean(list.data?.abilities.manage_quotas);
  const scope = Form.useWatch('scope', form);

  const open = (q: QuotaView | 'new') => {
    form.resetFields();
    if (q === 'new')
      form.setFieldsValue({ scope: 'all', period: 'month', minSubmitted: { city: 10 }, ratePercent: 20 });
    else
      form.setFieldsValue({
        scope: q.orgId ? 'org' : q.orgKind ? 'kind' : 'all',
        orgId: q.orgId ?? undefined,
        orgKind: q.orgKind ?? undefined,
        period: q.period,
        minSubmitted: q.minSubmitted,
        minAdopted: q.minAdopted,
        ratePercent: q.minAdoptionRate === null ? null : Math.round(q.minAdoptionRate * 1000) / 10,
      });
    setEditing(q);
  };

  const save = async () => {
    let v: QuotaForm;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body = {
      period: v.period,
      minSubmitted: clean(v.minSubmitted),
      minAdopted: v.minAdopted ?? null,
      minAdoptionRate: typeof v.ratePercent === 'number' && v.ratePercent > 0 ? v.ratePercent / 100 : null,
    };
    try {
      if (editing === 'new')
        await api.post(`/api/hubs/${hubId}/quotas`, {
          ...body,
          orgId: v.scope === 'org' ? v.orgId : null,
          orgKind: v.scope === 'kind' ? v.orgKind : null,
        });
      else if (editing)
        await api.patch(`/api/hubs/${hubId}/quotas/${editing.id}`, {
          ...body,
          rowVersion: editing.rowVersion,
        });
      void message.success('任务指标已保存');
      setEditing(null);
      list.reload();
    } catch (e) {
      onError(e);
    }
  };

  const setActive = async (q: QuotaView, active: boolean) => {
    try {
      if (active)
        await api.patch(`/api/hubs/${hubId}/quotas/${q.id}`, { rowVersion: q.rowVersion, active: true });
      else await api.delete(`/api/hubs/${hubId}/quotas/${q.id}`);
      void message.success(active ? '已启用' : '已停用');
      list.reload();
    } catch (e) {
      onError(e);
    }
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {canManage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            新增指标
          </Button>
        ) : null}
        <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label="刷新" />
        <Typography.Text type="secondary">
          如：每月向县级报送≥15篇、向市级≥10篇、向省级≥5篇，采用率≥20%。单位同时适用多条指标时须逐条达到。
        </Typography.Text>
      </Space>
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : null}
      <ResponsiveTable<QuotaView>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <Empty description="尚未设置任务指标" /> }}
        columns={[
          { title: '适用范围', dataIndex: 'scopeLabel', width: 220 },
          { title: '周期', dataIndex: 'periodLabel', width: 90 },
          { title: '要求', dataIndex: 'description' },
          {
            title: '状态',
            dataIndex: 'active',
            width: 80,
            render: (a: boolean) => (a ? <Tag color="green">启用</Tag> : <Tag>已停用</Tag>),
          },
          {
            title: '操作',
            key: 'op',
            width: 150,
            render: (_: unknown, q) =>
              q.abilities.manage_quotas ? (
                <Space size={4}>
                  <Button type="link" size="small" icon={<EditOutlined />} onClick={() => open(q)}>
                    修改
                  </Button>
                  {q.active ? (
                    <Popconfirm
                      title="停用该指标？"
                      description="停用后不再据此判定滞后，记录保留。"
                      okText="停用"
                      cancelText="取消"
                      onConfirm={() => void setActive(q, false)}
                    >
                      <Button type="link" size="small" danger>
                        停用
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button type="link" size="small" onClick={() => void setActive(q, true)}>
                      启用
                    </Button>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? '新增任务指标' : '修改任务指标'}
        okText="保存"
        cancelText="取消"
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
        width={640}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item label="适用范围" name="scope">
            <Radio.Group
              disabled={editing !== 'new'}
              options={[
                { value: 'all', label: '全部考核单位' },
                { value: 'kind', label: '按单位类别' },
                { value: 'org', label: '指定单位' },
              ]}
            />
          </Form.Item>
          {scope === 'org' ? (
            <Form.Item label="单位" name="orgId" rules={[{ required: true, message: '请选择单位' }]}>
              <Select
                disabled={editing !== 'new'}
                showSearch
                optionFilterProp="label"
                options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
          ) : null}
          {scope === 'kind' ? (
            <Form.Item
              label="单位类别"
              name="orgKind"
              rules={[{ required: true, message: '请选择单位类别' }]}
            >
              <Select
                disabled={editing !== 'new'}
                options={ORG_KINDS.map((k) => ({ value: k, label: ORG_KIND_LABELS[k] }))}
              />
            </Form.Item>
          ) : null}
          <Form.Item label="考核周期" name="period" rules={[{ required: true }]}>
            <Radio.Group options={QUOTA_PERIODS.map((p) => ({ value: p, label: QUOTA_PERIOD_LABELS[p] }))} />
          </Form.Item>
          <Typography.Text strong>报送篇数（不填为不要求）</Typography.Text>
          <Row gutter={12} style={{ marginTop: 8 }}>
            {TARGET_LEVELS.map((l) => (
              <Col span={6} key={l}>
                <Form.Item label={`向${LEVEL_SHORT[l]}`} name={['minSubmitted', l]}>
                  <InputNumber min={0} max={10000} suffix="篇" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item label="采用篇数" name="minAdopted">
                <InputNumber min={0} max={10000} suffix="篇" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="采用率不低于" name="ratePercent">
                <InputNumber min={0} max={100} suffix="%" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </>
  );
}

function LaggingTable({ hubId }: { hubId: string }) {
  const [period, setPeriod] = usePeriodParam();
  const data = useLoad(
    () => api.get<LaggingView>(`/api/hubs/${hubId}/lagging`, periodQuery(period)),
    [hubId, JSON.stringify(period)],
  );
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <PeriodPicker value={period} onChange={setPeriod} />
        <Button icon={<ReloadOutlined />} onClick={data.reload} aria-label="刷新" />
        {data.data ? (
          <Typography.Text type="secondary">
            {data.data.period.label}：{data.data.rows.length} 个单位未完成任务指标
          </Typography.Text>
        ) : null}
      </Space>
      {data.error ? <Alert type="error" showIcon title={data.error.message} /> : null}
      <ResponsiveTable<LaggingRow>
        rowKey="orgId"
        size="middle"
        loading={data.loading}
        dataSource={data.data?.rows ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description="本期间没有滞后单位（或尚未设置任务指标）" /> }}
        columns={[
          { title: '单位', dataIndex: 'orgName', width: 220 },
          { title: '报送', dataIndex: 'submitted', width: 70, align: 'right' },
          { title: '采用', dataIndex: 'adopted', width: 70, align: 'right' },
          {
            title: '采用率',
            dataIndex: 'adoptionRate',
            width: 80,
            align: 'right',
            render: (r: number | null) => rateText(r),
          },
          {
            title: '未完成',
            dataIndex: 'missed',
            render: (m: string[]) => (
              <Space size={[4, 4]} wrap>
                {m.map((x) => (
                  <Tag color="red" key={x}>
                    {x}
                  </Tag>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
