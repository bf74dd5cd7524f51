import {
  AuditOutlined,
  EditOutlined,
  ReloadOutlined,
  RollbackOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Popconfirm,
  Radio,
  Result,
  Row,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { AdoptionView, HopTransition, HopView, ItemDetail, ItemTransition, OrgRef } from '../api/types';
import { ActionModal, type ActionSpec, type ActionValues } from '../components/ActionModal';
import { HopChain } from '../components/HopChain';
import { HubEditDrawer } from '../components/HubEditDrawer';
import { ItemTimeline } from '../components/ItemTimeline';
import { RemoteSelect, type Option } from '../components/RemoteSelect';
import { ItemStatusTag, UrgencyTag } from '../components/Tags';
import { VersionsPanel } from '../components/VersionsPanel';
import { formatTime, useErrorHandler, useLoad } from '../hooks';
import { ADOPTION_TYPES, ADOPTION_TYPE_LABELS } from '../labels';
import { PageContainer } from '../layout/PageContainer';
import { InstructionsPanel } from '../components/InstructionsPanel';
import type { HopAction, HopState } from '../../server/modules/items/domain/states';

const text = (v: ActionValues, k: string): string | null => {
  const x = v[k];
  return typeof x === 'string' && x.trim() ? x.trim() : null;
};

interface PeriodicalRow {
  id: string;
  name: string;
}

/** Periodicals of a hub; tolerant of a list or a {rows} page. */
async function loadPeriodicals(hubId: string): Promise<Option[]> {
  const r = await api.get<PeriodicalRow[] | { rows: PeriodicalRow[] }>('/api/periodicals', { hubId });
  const rows = Array.isArray(r) ? r : r.rows;
  return rows.map((p) => ({ value: p.id, label: p.name.startsWith('《') ? p.name : `《${p.name}》` }));
}

export function ItemDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const detail = useLoad(() => api.get<ItemDetail>(`/api/items/${id}`), [id]);
  const [spec, setSpec] = useState<ActionSpec | null>(null);
  const [editHop, setEditHop] = useState<HopView | null>(null);
  const [tab, setTab] = useState('chain');

  /**
   * Runs an action, then re-reads the item: an action answers only with what it changed, and the page
   * shows the whole item as the actor now sees it (buttons, chain, timeline).
   */
  const act = useCallback(
    async (fn: () => Promise<unknown>, done: string) => {
      try {
        await fn();
        detail.setData(await api.get<ItemDetail>(`/api/items/${id}`));
        void message.success(done);
      } catch (e) {
        onError(e);
        throw e;
      }
    },
    [detail, id, message, onError],
  );

  const d = detail.data;
  if (detail.loading && !d)
    return (
      <PageContainer title="稿件详情" crumbs={[{ title: '稿件详情' }]}>
        <Card>
          <Skeleton active paragraph={{ rows: 12 }} />
        </Card>
      </PageContainer>
    );
  if (!d)
    return (
      <PageContainer title="稿件详情" crumbs={[{ title: '稿件详情' }]}>
        <Result
          status={detail.error?.status === 404 ? '404' : 'warning'}
          title={detail.error?.message ?? '无法加载稿件'}
          extra={<Button onClick={() => navigate(-1)}>返回</Button>}
        />
      </PageContainer>
    );

  const ab = d.abilities;
  const merged = d.org?.reviewMode === 'merged';
  const post = (path: string, body: unknown) => api.post<ItemTransition | HopTransition>(path, body);

  // ---- item (unit-side) actions -------------------------------------------------------------
  const approveSpec: ActionSpec = {
    key: 'approve',
    title: merged ? '审核并签发' : '审核通过',
    okText: merged ? '审核并签发' : '审核通过',
    intro: merged
      ? '本单位审核与签发合并，通过后将直接报送上级。'
      : '通过后稿件进入签发环节。审核意见随稿件报送上级。',
    text: { name: 'opinion', label: '审核意见', required: false, placeholder: '例如：同意报送。' },
    initialValues: { opinion: '同意报送。' },
    run: (v) => act(() => post(`/api/items/${id}/approve`, { opinion: text(v, 'opinion') }), '已审核通过'),
  };
  const returnSpec: ActionSpec = {
    key: 'return',
    title: '退回修改',
    okText: '退回',
    danger: true,
    intro: '稿件将退回信息员修改，须填写退回意见。',
    text: { name: 'opinion', label: '退回意见', required: true, placeholder: '请写明需要修改的内容' },
    run: (v) =>
      act(() => post(`/api/items/${id}/return`, { opinion: text(v, 'opinion') ?? '' }), '已退回修改'),
  };
  const resubmitting = d.hops.some((h) => h.parentHopId === null && h.state === 'returned');
  const signSpec: ActionSpec = {
    key: 'sign',
    title: '签发报送',
    okText: '签发',
    intro: resubmitting
      ? '签发后，修改后的稿件将重新报送至退回它的上级单位。'
      : '签发后稿件即报送所选上级单位，本单位不能再修改正文。',
    fields: resubmitting ? null : (
      <Form.Item
        label="报送至"
        name="targetOrgIds"
        rules={[{ required: true, type: 'array', min: 1, message: '请选择报送单位' }]}
      >
        <TargetsCheckbox orgId={d.org?.id ?? ''} />
      </Form.Item>
    ),
    initialValues: { targetOrgIds: d.targetOrgIds, opinion: '同意报送。' },
    text: { name: 'opinion', label: '签发意见', required: false },
    run: (v) =>
      act(
        () =>
          post(`/api/items/${id}/sign`, {
            opinion: text(v, 'opinion'),
            ...(resubmitting ? {} : { targetOrgIds: v.targetOrgIds as string[] }),
          }),
        '已签发报送',
      ),
  };
  const withdrawSpec: ActionSpec = {
    key: 'withdraw',
    title: '撤回稿件',
    okText: '撤回',
    danger: true,
    intro:
      d.state === 'submitted'
        ? '撤回后，尚未签收的报送将一并撤回，稿件不再处理。此操作不可恢复。'
        : '撤回后草稿不再使用（记录保留）。此操作不可恢复。',
    text: { name: 'comment', label: '撤回原因', required: false },
    run: (v) => act(() => post(`/api/items/${id}/withdraw`, { comment: text(v, 'comment') }), '已撤回'),
  };

  // ---- hop (hub-side) actions -----------------------------------------------------------------
  const hopSpec = (hop: HopView, a: HopAction): ActionSpec | null => {
    const base = `/api/hops/${hop.id}`;
    switch (a) {
      case 'advance':
        return {
          key: a,
          title: `${hop.stageName ?? '本环节'}通过`,
          okText: '通过',
          text: { name: 'opinion', label: '审核意见', required: false },
          run: (v) =>
            act(
              () => post(`${base}/advance`, { opinion: text(v, 'opinion'), stage: hop.stage }),
              '已进入下一环节',
            ),
        };
      case 'return':
        return {
          key: a,
          title: '退回修改',
          okText: '退回修改',
          danger: true,
          intro: `稿件将退回「${hop.fromOrgName}」修改，修改后重新报送。`,
          text: {
            name: 'reason',
            label: '退回理由',
            required: true,
            placeholder: '请写明修改要求，如：补充具体数据和成效',
          },
          run: (v) => act(() => post(`${base}/return`, { reason: text(v, 'reason') ?? '' }), '已退回修改'),
        };
      case 'reject':
        return {
          key: a,
          title: '退稿',
          okText: '退稿',
          danger: true,
          intro: '退稿后本级对该稿件的处理即告结束，不能恢复。',
          text: { name: 'reason', label: '退稿理由', required: true },
          run: (v) => act(() => post(`${base}/reject`, { reason: text(v, 'reason') ?? '' }), '已退稿'),
        };
      case 'archive':
        return {
          key: a,
          title: '存档（不采用）',
          okText: '存档',
          intro: '稿件不予采用，存档备查（参阅）。',
          text: { name: 'comment', label: '说明', required: false },
          run: (v) => act(() => post(`${base}/archive`, { comment: text(v, 'comment') }), '已存档'),
        };
      case 'forward':
        return {
          key: a,
          title: '转报上级',
          okText: '转报',
          intro: '以本单位编辑后的版本报送上一级信息汇总单位。',
          fields: (
            <Form.Item
              label="转报至"
              name="targetOrgId"
              rules={[{ required: true, message: '请选择转报单位' }]}
            >
              <RemoteSelect
                placeholder="选择上级单位"
                emptyText="没有可转报的上级单位"
                load={async () =>
                  (await api.get<OrgRef[]>(`${base}/forward-targets`)).map((o) => ({
                    value: o.id,
                    label: o.name,
                  }))
                }
              />
            </Form.Item>
          ),
          text: { name: 'comment', label: '转报说明', required: false },
          run: (v) =>
            act(
              () =>
                post(`${base}/forward`, {
                  targetOrgId: v.targetOrgId as string,
                  comment: text(v, 'comment'),
                }),
              '已转报',
            ),
        };
      case 'adopt':
        return {
          key: a,
          title: '采用',
          okText: '采用',
          intro: `采用到「${hop.toOrgName}」的刊物。采用结果将通知报送链上的各单位。`,
          fields: (
            <>
              <Form.Item label="刊物" name="periodicalId" rules={[{ required: true, message: '请选择刊物' }]}>
                <RemoteSelect
                  placeholder="选择刊物"
                  emptyText="本单位尚未设置刊物"
                  load={() => loadPeriodicals(hop.toOrgId)}
                />
              </Form.Item>
              <Form.Item label="采用方式" name="type" rules={[{ required: true }]}>
                <Radio.Group
                  options={ADOPTION_TYPES.map((t) => ({ value: t, label: ADOPTION_TYPE_LABELS[t] }))}
                />
              </Form.Item>
            </>
          ),
          initialValues: { type: 'single' },
          text: { name: 'comment', label: '备注', required: false },
          run: (v) =>
            act(
              () =>
                post(`${base}/adopt`, {
                  periodicalId: v.periodicalId as string,
                  type: v.type as string,
                  comment: text(v, 'comment'),
                }),
              '已采用',
            ),
        };
      case 'resubmit':
        return {
          key: a,
          title: '重新报送',
          okText: '重新报送',
          intro: '以本单位最新编辑的版本重新报送。',
          text: { name: 'comment', label: '说明', required: false },
          run: (v) => act(() => post(`${base}/resubmit`, { comment: text(v, 'comment') }), '已重新报送'),
        };
      case 'withdraw':
        return {
          key: a,
          title: '撤回报送',
          okText: '撤回',
          danger: true,
          intro: '对方尚未签收，撤回后该报送结束。',
          text: { name: 'comment', label: '撤回原因', required: false },
          run: (v) => act(() => post(`${base}/withdraw`, { comment: text(v, 'comment') }), '已撤回报送'),
        };
      default:
        return null;
    }
  };

  const onHopAction = (hop: HopView, a: HopAction) => {
    if (a === 'edit') return setEditHop(hop);
    const s = hopSpec(hop, a);
    if (s) setSpec(s);
  };
  const onRevoke = (adoption: AdoptionView) =>
    setSpec({
      key: 'revoke',
      title: '撤销采用',
      okText: '撤销采用',
      danger: true,
      intro: `撤销${adoption.periodicalName}的${adoption.typeLabel}。`,
      text: { name: 'reason', label: '撤销理由', required: true },
      run: (v) =>
        act(
          () => post(`/api/adoptions/${adoption.id}/revoke`, { reason: text(v, 'reason') ?? '' }),
          '已撤销采用',
        ),
    });

  const liveAdoptions = d.adoptions.filter((a) => !a.revokedAt);
  const returnedHop = d.hops.find((h) => h.state === 'returned' && h.parentHopId === null);
  const rootHopStates = d.hops.filter((h) => h.parentHopId === null).map((h) => h.state as HopState);

  const actions = (
    <Space wrap>
      {ab.edit ? (
        <Button icon={<EditOutlined />} onClick={() => navigate(`/items/${id}/edit`)}>
          修改
        </Button>
      ) : null}
      {ab.submit_for_review ? (
        <Popconfirm
          title="提交审核？"
          description="提交后稿件进入本单位审核，审核期间不能修改。"
          okText="提交"
          cancelText="取消"
          onConfirm={() =>
            act(() => post(`/api/items/${id}/submit`, {}), '已提交审核').catch(() => undefined)
          }
        >
          <Button type="primary" icon={<SendOutlined />}>
            提交审核
          </Button>
        </Popconfirm>
      ) : null}
      {ab.approve ? (
        <Button type="primary" icon={<AuditOutlined />} onClick={() => setSpec(approveSpec)}>
          {merged ? '审核并签发' : '审核通过'}
        </Button>
      ) : null}
      {ab.sign ? (
        <Button type="primary" icon={<SafetyCertificateOutlined />} onClick={() => setSpec(signSpec)}>
          签发
        </Button>
      ) : null}
      {ab.return ? (
        <Button danger icon={<RollbackOutlined />} onClick={() => setSpec(returnSpec)}>
          退回修改
        </Button>
      ) : null}
      {ab.withdraw ? (
        <Button danger icon={<StopOutlined />} onClick={() => setSpec(withdrawSpec)}>
          撤回
        </Button>
      ) : null}
      <Button icon={<ReloadOutlined />} onClick={detail.reload} aria-label="刷新" />
    </Space>
  );

  return (
    <PageContainer
      title={
        <Space wrap>
          <span data-testid="item-title">{d.title}</span>
          <span data-testid="item-status">
            <ItemStatusTag
              state={d.state}
              hopStates={rootHopStates}
              adoptedIn={liveAdoptions.map((a) => a.periodicalName)}
            />
          </span>
        </Space>
      }
      docTitle={d.title}
      crumbs={[{ title: '稿件详情' }]}
      extra={actions}
    >
      {returnedHop ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={`${returnedHop.toOrgName} 退回修改`}
          description={`退回理由：${returnedHop.lastReason ?? '—'}`}
        />
      ) : null}
      {liveAdoptions.length ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="adopted-banner"
          title={
            <Space orientation="vertical" size={2}>
              {liveAdoptions.map((a) => {
                const name = a.periodicalName.startsWith('《') ? a.periodicalName : `《${a.periodicalName}》`;
                return a.issue ? (
                  <span key={a.id} data-testid="adopted-issue">
                    被
                    <Link to={`/issues/${a.issue.id}`}>
                      {name}
                      {a.issue.numberLabel}
                    </Link>
                    采用（{a.typeLabel}，{a.hubName}）
                    {a.issue.state === 'recalled' ? <Tag style={{ marginLeft: 6 }}>该期已收回</Tag> : null}
                  </span>
                ) : (
                  <span key={a.id}>
                    被{name}
                    {a.typeLabel}（{a.hubName}，{formatTime(a.adoptedAt)}），待编入期刊
                  </span>
                );
              })}
            </Space>
          }
        />
      ) : null}
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card style={{ marginBottom: 16 }}>
            {d.content ? (
              <article>
                <h2 className="zx-doc-title">{d.content.title}</h2>
                <div className="zx-muted" style={{ textAlign: 'center', marginBottom: 16, fontSize: 13 }}>
                  {d.org?.name} · {d.authorName} · {versionLabel(d, d.content.no)}
                  {d.coReporters.length ? ` · 合报：${d.coReporters.map((c) => c.name).join('、')}` : ''}
                </div>
                {/* The server sanitises every body against a strict allow-list before storing it. */}
                <div
                  className="zx-doc"
                  data-testid="item-body"
                  dangerouslySetInnerHTML={{ __html: d.content.bodyHtml }}
                />
              </article>
            ) : (
              <Typography.Text type="secondary">无可查看的正文</Typography.Text>
            )}
          </Card>
          <Card>
            <Tabs
              activeKey={tab}
              onChange={setTab}
              items={[
                {
                  key: 'chain',
                  label: `报送链（${d.hops.length}）`,
                  children: (
                    <HopChain
                      hops={d.hops}
                      adoptions={d.adoptions}
                      onAction={onHopAction}
                      onQuick={(hop, a) =>
                        act(
                          () => post(`/api/hops/${hop.id}/${a}`, {}),
                          a === 'receive' ? '已签收' : '操作成功',
                        ).catch(() => undefined)
                      }
                      onRevoke={onRevoke}
                    />
                  ),
                },
                {
                  key: 'versions',
                  label: `版本记录（${d.versions.length}）`,
                  children: <VersionsPanel itemId={d.id} versions={d.versions} key={d.versions.length} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title="稿件信息" style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small" styles={{ label: { width: 84, color: '#6b7280' } }}>
              <Descriptions.Item label="报送单位">{d.org?.name}</Descriptions.Item>
              <Descriptions.Item label="撰稿人">{d.authorName}</Descriptions.Item>
              <Descriptions.Item label="信息类别">
                {d.categoryLabel}
                {d.reportStageLabel ? <Tag style={{ marginLeft: 6 }}>{d.reportStageLabel}</Tag> : null}
              </Descriptions.Item>
              <Descriptions.Item label="紧急程度">
                <UrgencyTag urgency={d.urgency} hideNormal={false} />
              </Descriptions.Item>
              <Descriptions.Item label="公开属性">{d.disclosureLabel}</Descriptions.Item>
              <Descriptions.Item label="单位内状态">{d.stateLabel}</Descriptions.Item>
              <Descriptions.Item label="本单位定稿">第{d.currentVersionNo}版</Descriptions.Item>
              {d.content && d.content.no !== d.currentVersionNo ? (
                <Descriptions.Item label="正文显示">{versionLabel(d, d.content.no)}</Descriptions.Item>
              ) : null}
              {d.coReporters.length ? (
                <Descriptions.Item label="合报单位">
                  {d.coReporters.map((c) => c.name).join('、')}
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label="创建时间">{formatTime(d.createdAt)}</Descriptions.Item>
              <Descriptions.Item label="报送时间">{formatTime(d.submittedAt)}</Descriptions.Item>
            </Descriptions>
          </Card>
          {d.state === 'submitted' ? (
            <InstructionsPanel target={{ itemId: d.id }} key={`${d.rowVersion}-${liveAdoptions.length}`} />
          ) : null}
          <Card title="处理记录" data-testid="timeline">
            <ItemTimeline events={d.timeline} hops={d.hops} />
          </Card>
        </Col>
      </Row>
      <ActionModal spec={spec} onClose={() => setSpec(null)} />
      <HubEditDrawer
        itemId={d.id}
        hop={editHop}
        onClose={() => setEditHop(null)}
        onSaved={() => {
          setEditHop(null);
          detail.reload();
        }}
      />
    </PageContainer>
  );
}

/** Allowed submission targets of the unit as checkboxes (used inside Form.Item). */
function TargetsCheckbox(props: { orgId: string; value?: string[]; onChange?(v: string[]): void }) {
  const targets = useLoad(() => api.get<OrgRef[]>(`/api/orgs/${props.orgId}/targets`), [props.orgId]);
  if (targets.loading && !targets.data) return <Skeleton.Input active />;
  if (!targets.data?.length)
    return <Typography.Text type="danger">本单位没有可报送的上级信息汇总单位</Typography.Text>;
  return (
    <Checkbox.Group
      value={props.value}
      onChange={(v) => props.onChange?.(v as string[])}
      options={targets.data.map((t) => ({ value: t.id, label: t.name }))}
    />
  );
}

/** 第N版, naming the hub whose edit it is when a hub made it, so the header and 稿件信息 never disagree. */
function versionLabel(d: ItemDetail, no: number): string {
  const v = d.versions.find((x) => x.no === no);
  return v?.byHub ? `第${no}版（${v.orgName}修改）` : `第${no}版`;
}
