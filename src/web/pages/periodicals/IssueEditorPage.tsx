import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  AuditOutlined,
  DeleteOutlined,
  EditOutlined,
  EyeOutlined,
  HolderOutlined,
  MergeCellsOutlined,
  PlusOutlined,
  ProfileOutlined,
  ReloadOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Result,
  Row,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useMemo, useState, type DragEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { ISSUE_STATE_COLORS, ISSUE_STATE_LABELS } from '../../api/periodicals';
import type { IssueEntry, IssueView, PeriodicalView, PoolPage, PoolRow } from '../../api/types';
import { ActionModal, type ActionSpec, type ActionValues } from '../../components/ActionModal';
import { Bulletin, periodicalTitle } from '../../components/Bulletin';
import { OrgTreeSelect } from '../../components/OrgTreeSelect';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { EntryEditDrawer } from './EntryEditDrawer';

const text = (v: ActionValues, k: string): string | null => {
  const x = v[k];
  return typeof x === 'string' && x.trim() ? x.trim() : null;
};
const lines = (v: unknown): string[] =>
  typeof v === 'string'
    ? v
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
const plain = (html: string) => html.replace(/<[^>]+>/g, '').slice(0, 90);

/** 期刊编辑: the 采用稿件库 on the left, the issue's entries on the right; review, sign and issue from abilities. */
export default function IssueEditorPage() {
  const { id = '' } = useParams<{ id: string }>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const issue = useLoad(() => api.get<IssueView>(`/api/issues/${id}`), [id]);
  const d = issue.data;
  const periodicalId = d?.periodical.id;
  const canEdit = Boolean(d?.abilities.edit);
  const periodical = useLoad(
    () =>
      periodicalId ? api.get<PeriodicalView>(`/api/periodicals/${periodicalId}`) : Promise.resolve(null),
    [periodicalId],
  );
  const pool = useLoad(
    () =>
      periodicalId && canEdit
        ? api.get<PoolPage>(`/api/periodicals/${periodicalId}/pool`, { limit: 100 })
        : Promise.resolve(null),
    [periodicalId, canEdit],
  );
  const [selected, setSelected] = useState<string[]>([]);
  const [spec, setSpec] = useState<ActionSpec | null>(null);
  const [editing, setEditing] = useState<IssueEntry | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const [overId, setOverId] = useState<string | null>(null);

  const act = useCallback(
    async (fn: () => Promise<IssueView>, done: string, refreshPool = false) => {
      try {
        const next = await fn();
        issue.setData(next);
        if (refreshPool) pool.reload();
        void message.success(done);
      } catch (e) {
        onError(e);
        throw e;
      }
    },
    [issue, pool, message, onError],
  );

  const entries = useMemo(() => d?.entries ?? [], [d]);

  if (issue.loading && !d)
    return (
      <PageContainer title="期刊编辑" crumbs={[{ title: '期刊编发' }, { title: '期刊编辑' }]}>
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      </PageContainer>
    );
  if (!d)
    return (
      <PageContainer title="期刊编辑" crumbs={[{ title: '期刊编发' }, { title: '期刊编辑' }]}>
        <Result
          status={issue.error?.status === 404 ? '404' : 'warning'}
          title={issue.error?.message ?? '无法加载该期'}
          extra={<Button onClick={() => navigate(-1)}>返回</Button>}
        />
      </PageContainer>
    );

  const ab = d.abilities;
  const base = `/api/issues/${d.id}`;
  const poolRows = pool.data?.rows ?? [];

  const addSingle = (a: PoolRow) => {
    setBusy(a.id);
    act(() => api.post<IssueView>(`${base}/entries`, { adoptionIds: [a.id] }), `已编入《${a.title}》`, true)
      .then(() => setSelected((s) => s.filter((x) => x !== a.id)))
      .catch(() => undefined)
      .finally(() => setBusy(null));
  };

  const chosen = poolRows.filter((r) => selected.includes(r.id));
  const mergeSpec: ActionSpec = {
    key: 'merge',
    title: `综合编入（${chosen.length}篇）`,
    okText: '编入',
    intro: `将所选 ${chosen.length} 篇稿件合并为一篇综合信息，各报送单位均在来源中署名。正文按所选顺序合并，编入后可再编辑。`,
    fields: (
      <Form.Item
        label="综合标题"
        name="title"
        rules={[{ required: true, whitespace: true, message: '请填写综合标题' }, { max: 200 }]}
      >
        <Input maxLength={200} />
      </Form.Item>
    ),
    initialValues: { title: chosen[0]?.title ?? '' },
    text: { name: 'comment', label: '编者按', required: false, placeholder: '可不填' },
    run: (v) =>
      act(
        () =>
          api.post<IssueView>(`${base}/entries`, {
            adoptionIds: chosen.map((c) => c.id),
            title: text(v, 'title') ?? undefined,
            editorNote: text(v, 'comment'),
          }),
        '已综合编入',
        true,
      ).then(() => setSelected([])),
  };

  const reorder = (ids: string[]) => {
    if (ids.join() === entries.map((e) => e.id).join()) return;
    const byId = new Map(entries.map((e) => [e.id, e]));
    issue.setData({ ...d, entries: ids.map((x, i) => ({ ...byId.get(x)!, position: i + 1 })) });
    act(
      () => api.put<IssueView>(`${base}/entries/order`, { rowVersion: d.rowVersion, entryIds: ids }),
      '顺序已调整',
    ).catch(() => issue.reload());
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= entries.length) return;
    const ids = entries.map((e) => e.id);
    const [x] = ids.splice(from, 1);
    ids.splice(to, 0, x!);
    reorder(ids);
  };
  const onDrop = (e: DragEvent, targetId: string) => {
    e.preventDefault();
    const src = dragId ?? e.dataTransfer.getData('text/plain');
    setDragId(null);
    setOverId(null);
    if (!src || src === targetId) return;
    const ids = entries.map((x) => x.id).filter((x) => x !== src);
    ids.splice(ids.indexOf(targetId), 0, src);
    reorder(ids);
  };
  const onDropEnd = (e: DragEvent) => {
    e.preventDefault();
    const src = dragId ?? e.dataTransfer.getData('text/plain');
    setDragId(null);
    setOverId(null);
    if (!src) return;
    reorder([...entries.map((x) => x.id).filter((x) => x !== src), src]);
  };

  const headerSpec: ActionSpec = {
    key: 'header',
    title: '刊头与版记',
    okText: '保存',
    fields: (
      <>
        <Form.Item label="本期标题（专期时填写）" name="title">
          <Input maxLength={100} placeholder="可不填" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item label="印发日期" name="issueDate" extra="不填时为印发当日">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="印数（份）" name="copies">
              <InputNumber min={0} max={100000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="报" name="bao" extra="每行一项">
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item label="送" name="song">
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item label="发" name="fa">
          <Input.TextArea rows={2} />
        </Form.Item>
      </>
    ),
    initialValues: {
      title: d.title ?? '',
      issueDate: d.issueDate ? dayjs(d.issueDate) : null,
      copies: d.copies,
      bao: d.lines.bao.join('\n'),
      song: d.lines.song.join('\n'),
      fa: d.lines.fa.join('\n'),
    },
    run: (v) =>
      act(
        () =>
          api.patch<IssueView>(base, {
            rowVersion: d.rowVersion,
            title: text(v, 'title'),
            issueDate: v.issueDate ? (v.issueDate as dayjs.Dayjs).format('YYYY-MM-DD') : null,
            copies: typeof v.copies === 'number' ? v.copies : d.copies,
            lines: { bao: lines(v.bao), song: lines(v.song), fa: lines(v.fa) },
          }),
        '刊头与版记已保存',
      ),
  };

  const reviewSpec: ActionSpec = {
    key: 'review',
    title: '审核本期',
    okText: '提交审核意见',
    intro: '同意：本期待主编签发；不同意：退回编辑修改（须填写意见）。',
    fields: (
      <Form.Item label="审核结论" name="decision" rules={[{ required: true }]}>
        <Radio.Group
          options={[
            { value: 'agree', label: '同意' },
            { value: 'disagree', label: '不同意（退回修改）' },
          ]}
        />
      </Form.Item>
    ),
    initialValues: { decision: 'agree', opinion: '' },
    text: { name: 'opinion', label: '审核意见', required: false },
    run: (v) =>
      act(
        () =>
          api.post<IssueView>(`${base}/review`, {
            decision: v.decision as string,
            opinion: text(v, 'opinion'),
          }),
        v.decision === 'agree' ? '已同意' : '已退回编辑修改',
      ),
  };

  const signSpec: ActionSpec = {
    key: 'sign',
    title: '主编签发',
    okText: '签发',
    intro: '签发后本期内容锁定，待印发。',
    initialValues: { opinion: '同意印发。' },
    text: { name: 'opinion', label: '签发意见', required: false },
    run: (v) =>
      act(
        () => api.post<IssueView>(`${base}/sign`, { rowVersion: d.rowVersion, opinion: text(v, 'opinion') }),
        '已签发',
      ),
  };

  const defaults = periodical.data?.defaultRecipientOrgIds ?? [];
  const issueSpec: ActionSpec = {
    key: 'issue',
    title: '印发本期',
    okText: '印发',
    intro:
      '印发时编定年度期号和总期号，本期锁定，发送至所选单位，并通知稿件报送链上的各单位。此操作不可撤销（可收回）。',
    fields: (
      <Form.Item
        label="发送范围"
        name="recipientOrgIds"
        rules={[{ required: true, type: 'array', min: 1, message: '请在单位树上选择发送单位' }]}
        extra={defaults.length ? '已按刊物设置预选默认发送范围' : '刊物未设置默认发送范围，请选择'}
      >
        <OrgTreeSelect exclude={[d.hubId]} />
      </Form.Item>
    ),
    initialValues: { recipientOrgIds: defaults },
    run: (v) =>
      act(
        () =>
          api.post<IssueView>(`${base}/issue`, {
            rowVersion: d.rowVersion,
            recipientOrgIds: v.recipientOrgIds as string[],
          }),
        '已印发',
      ).then(() => navigate(`/issues/${d.id}`)),
  };

  const actions = (
    <Space wrap>
      {ab.edit ? (
        <Button icon={<ProfileOutlined />} onClick={() => setSpec(headerSpec)}>
          刊头与版记
        </Button>
      ) : null}
      {ab.submit ? (
        <Popconfirm
          title="提交审签？"
          description="提交后本期进入审核、签发，期间不能修改。"
          okText="提交"
          cancelText="取消"
          onConfirm={() =>
            act(
              () => api.post<IssueView>(`${base}/submit`, { rowVersion: d.rowVersion }),
              '已提交审签',
            ).catch(() => undefined)
          }
        >
          <Button type="primary" icon={<SendOutlined />} disabled={entries.length === 0}>
            提交审签
          </Button>
        </Popconfirm>
      ) : null}
      {ab.review ? (
        <Button icon={<AuditOutlined />} onClick={() => setSpec(reviewSpec)}>
          审核
        </Button>
      ) : null}
      {ab.sign ? (
        <Button type="primary" icon={<SafetyCertificateOutlined />} onClick={() => setSpec(signSpec)}>
          签发
        </Button>
      ) : null}
      {ab.issue ? (
        <Button type="primary" icon={<SendOutlined />} onClick={() => setSpec(issueSpec)}>
          印发
        </Button>
      ) : null}
      <Button icon={<EyeOutlined />} onClick={() => navigate(`/issues/${d.id}`)}>
        阅读版
      </Button>
      <Button icon={<ReloadOutlined />} aria-label="刷新" onClick={issue.reload} />
    </Space>
  );

  const stateHint: Record<string, string> = {
    draft: '从左侧采用稿件库编入文章（单篇，或勾选多篇合并为综合），拖动右侧文章调整顺序，完成后提交审签。',
    in_review: '本期已提交审签：审核人可同意或不同意（退回修改），主编签发。',
    signed: '本期已由主编签发，待印发：印发时在单位树上选择发送范围。',
  };

  return (
    <PageContainer
      title={
        <Space wrap>
          <span>
            {periodicalTitle(d.periodical.name)}
            {d.yearNo !== null ? d.numberLabel : '新一期'}
          </span>
          <Tag color={ISSUE_STATE_COLORS[d.state]} data-testid="issue-state">
            {ISSUE_STATE_LABELS[d.state]}
          </Tag>
        </Space>
      }
      docTitle={`期刊编辑 · ${d.periodical.name}`}
      crumbs={[
        { title: '期刊编发' },
        { title: '刊物管理', to: `/periodicals?p=${d.periodical.id}` },
        { title: '期刊编辑' },
      ]}
      extra={actions}
    >
      {stateHint[d.state] ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={stateHint[d.state]} />
      ) : null}
      <Row gutter={16}>
        {canEdit ? (
          <Col xs={24} xl={10}>
            <Card
              title={`采用稿件库（${poolRows.length}${pool.data?.nextCursor ? '+' : ''}）`}
              extra={
                <Button
                  icon={<MergeCellsOutlined />}
                  disabled={chosen.length < 2}
                  onClick={() => setSpec(mergeSpec)}
                >
                  综合编入{chosen.length >= 2 ? `（${chosen.length}）` : ''}
                </Button>
              }
              style={{ marginBottom: 16 }}
              data-testid="pool"
            >
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                已采用到{periodicalTitle(d.periodical.name)}
                、尚未编入任何一期的稿件。勾选两篇以上可合并为一篇综合信息。
              </Typography.Paragraph>
              <Table<PoolRow>
                rowKey="id"
                size="small"
                loading={pool.loading}
                dataSource={poolRows}
                pagination={false}
                rowSelection={{ selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) }}
                locale={{ emptyText: <Empty description="采用稿件库中暂无待编稿件" /> }}
                columns={[
                  {
                    title: '稿件',
                    dataIndex: 'title',
                    render: (t: string, r) => (
                      <div>
                        <Link to={`/items/${r.itemId}`} target="_blank">
                          {t}
                        </Link>
                        <div className="zx-muted" style={{ fontSize: 12 }}>
                          {r.fromOrgName}
                          {r.forwarded ? ' · 转报' : ''} · {r.typeLabel} · {formatTime(r.adoptedAt)}
                        </div>
                      </div>
                    ),
                  },
                  {
                    title: '',
                    key: 'op',
                    width: 76,
                    render: (_: unknown, r) => (
                      <Button
                        size="small"
                        icon={<PlusOutlined />}
                        loading={busy === r.id}
                        onClick={() => addSingle(r)}
                        aria-label={`单篇编入 ${r.title}`}
                      >
                        单篇
                      </Button>
                    ),
                  },
                ]}
              />
            </Card>
          </Col>
        ) : null}
        <Col xs={24} xl={canEdit ? 14 : 24}>
          <Card style={{ marginBottom: 16 }} styles={{ body: { paddingTop: 4 } }}>
            <Tabs
              items={[
                {
                  key: 'entries',
                  label: `本期文章（${entries.length}）`,
                  children: (
                    <div data-testid="entries" onDragOver={(e) => e.preventDefault()}>
                      {entries.length === 0 ? (
                        <Empty description={canEdit ? '从左侧采用稿件库编入文章' : '本期尚未编入文章'} />
                      ) : (
                        entries.map((e, i) => (
                          <div
                            key={e.id}
                            data-testid="entry"
                            className={`zx-entry${dragId === e.id ? ' dragging' : ''}${overId === e.id && dragId !== e.id ? ' drop-target' : ''}`}
                            draggable={canEdit}
                            onDragStart={(ev) => {
                              ev.dataTransfer.effectAllowed = 'move';
                              ev.dataTransfer.setData('text/plain', e.id);
                              setDragId(e.id);
                            }}
                            onDragEnd={() => {
                              setDragId(null);
                              setOverId(null);
                            }}
                            onDragOver={(ev) => {
                              if (!canEdit) return;
                              ev.preventDefault();
                              setOverId(e.id);
                            }}
                            onDrop={(ev) => onDrop(ev, e.id)}
                          >
                            {canEdit ? (
                              <span className="zx-entry-handle" aria-hidden title="拖动调整顺序">
                                <HolderOutlined />
                              </span>
                            ) : null}
                            <div className="zx-entry-main">
                              <div className="zx-entry-title">
                                {i + 1}. {e.title}
                                {e.combined ? (
                                  <Tag color="purple" style={{ marginLeft: 6 }}>
                                    综合
                                  </Tag>
                                ) : null}
                              </div>
                              {e.editorNote ? (
                                <div style={{ fontSize: 12, color: '#92400e' }}>编者按：{e.editorNote}</div>
                              ) : null}
                              <div className="zx-entry-excerpt">{plain(e.bodyHtml)}</div>
                              <div className="zx-muted" style={{ fontSize: 12 }}>
                                {e.sourceLine}
                              </div>
                            </div>
                            {canEdit ? (
                              <Space size={0} className="zx-noprint">
                                <Tooltip title="上移">
                                  <Button
                                    type="text"
                                    size="small"
                                    icon={<ArrowUpOutlined />}
                                    disabled={i === 0}
                                    aria-label={`上移 ${e.title}`}
                                    onClick={() => move(i, i - 1)}
                                  />
                                </Tooltip>
                                <Tooltip title="下移">
                                  <Button
                                    type="text"
                                    size="small"
                                    icon={<ArrowDownOutlined />}
                                    disabled={i === entries.length - 1}
                                    aria-label={`下移 ${e.title}`}
                                    onClick={() => move(i, i + 1)}
                                  />
                                </Tooltip>
                                <Tooltip title="编辑">
                                  <Button
                                    type="text"
                                    size="small"
                                    icon={<EditOutlined />}
                                    aria-label={`编辑 ${e.title}`}
                                    onClick={() => setEditing(e)}
                                  />
                                </Tooltip>
                                <Popconfirm
                                  title="移出本期？"
                                  description="文章移出后，稿件回到采用稿件库。"
                                  okText="移出"
                                  cancelText="取消"
                                  onConfirm={() =>
                                    act(
                                      () => api.delete<IssueView>(`${base}/entries/${e.id}`),
                                      '已移出',
                                      true,
                                    ).catch(() => undefined)
                                  }
                                >
                                  <Button
                                    type="text"
                                    size="small"
                                    danger
                                    icon={<DeleteOutlined />}
                                    aria-label={`移出 ${e.title}`}
                                  />
                                </Popconfirm>
                              </Space>
                            ) : null}
                          </div>
                        ))
                      )}
                      {canEdit && dragId ? (
                        <div
                          style={{ height: 28 }}
                          onDragOver={(ev) => ev.preventDefault()}
                          onDrop={onDropEnd}
                          aria-hidden
                        />
                      ) : null}
                    </div>
                  ),
                },
                {
                  key: 'preview',
                  label: '版面预览',
                  children: (
                    <div style={{ background: '#f3f4f6', padding: 16 }}>
                      <Bulletin issue={d} />
                    </div>
                  ),
                },
              ]}
            />
          </Card>
          {d.reviews.length ? (
            <Card title="审签记录" size="small">
              <Timeline
                items={d.reviews.map((r) => ({
                  color: r.decision === 'agree' ? 'green' : 'red',
                  content: (
                    <div>
                      <b>{r.reviewerName}</b> {r.decisionLabel}
                      <span className="zx-muted" style={{ marginLeft: 8, fontSize: 12 }}>
                        {formatTime(r.at)}
                      </span>
                      {r.opinion ? <div>{r.opinion}</div> : null}
                    </div>
                  ),
                }))}
              />
            </Card>
          ) : null}
        </Col>
      </Row>
      <ActionModal spec={spec} onClose={() => setSpec(null)} />
      <EntryEditDrawer
        issueId={d.id}
        entry={editing}
        onClose={() => setEditing(null)}
        onSaved={(next) => {
          issue.setData(next);
          setEditing(null);
        }}
      />
    </PageContainer>
  );
}
