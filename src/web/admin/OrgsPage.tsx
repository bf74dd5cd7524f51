import {
  ApartmentOutlined,
  BankOutlined,
  ImportOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Tag,
  Tree,
  Typography,
} from 'antd';
import { ResponsiveTable } from '../components/ResponsiveTable';
import type { DataNode } from 'antd/es/tree';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import { buildTree, loadOrgs, type OrgNode, type TreeNode } from '../api/orgs';
import { hasRole, useMe } from '../auth/AuthContext';
import { useErrorHandler, useLoad } from '../hooks';
import { PageContainer } from '../layout/PageContainer';
import { ORG_KIND_LABELS, ORG_LEVEL_LABELS, ROLE_LABELS } from '../labels';
import { ORG_KINDS, ORG_LEVELS, REVIEW_MODES, STAGE_ROLES, IMPORT_COLUMNS_HINT } from './org-vocab';

interface OrgForm {
  name: string;
  shortName?: string;
  kind: OrgNode['kind'];
  level: OrgNode['level'];
  divisionCode?: string | null;
  parentId?: string | null;
  isHub: boolean;
  reviewMode: OrgNode['reviewMode'];
  urgentSignForMinutes: number;
  sortOrder: number;
}

interface Stage {
  position?: number;
  name: string;
  role: (typeof STAGE_ROLES)[number];
}
interface StagesView {
  rowVersion: number;
  stages: Stage[];
}

const REVIEW_MODE_LABELS: Record<(typeof REVIEW_MODES)[number], string> = {
  review_and_signoff: '审核、签发两步',
  merged: '审签合一',
};

function toTreeData(nodes: TreeNode<OrgNode>[]): DataNode[] {
  return nodes.map((n) => ({
    key: n.org.id,
    title: (
      <span>
        {n.org.name}
        {n.org.isHub ? (
          <Tag color="red" style={{ marginLeft: 6 }}>
            汇总
          </Tag>
        ) : null}
      </span>
    ),
    icon: n.org.isHub ? <BankOutlined /> : <ApartmentOutlined />,
    children: toTreeData(n.children),
  }));
}

/** 单位管理: the org tree, each unit's settings, a hub's receiving stages, and the CSV import. */
export default function OrgsPage() {
  const me = useMe();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const isSys = hasRole(me, ['sys_admin']);
  const orgs = useLoad(() => loadOrgs(true), []);
  const [selected, setSelected] = useState<string | null>(me.units[0]?.id ?? null);
  const [editing, setEditing] = useState<'create' | 'edit' | null>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [directOpen, setDirectOpen] = useState(false);
  const [directHubs, setDirectHubs] = useState<string[]>([]);
  const [form] = Form.useForm<OrgForm>();

  const list = useMemo(() => orgs.data ?? [], [orgs.data]);
  const tree = useMemo(() => toTreeData(buildTree(list)), [list]);
  const org = list.find((o) => o.id === selected) ?? null;
  const byId = useMemo(() => new Map(list.map((o) => [o.id, o])), [list]);
  const allKeys = useMemo(() => list.map((o) => o.id), [list]);

  const openCreate = () => {
    form.resetFields();
    form.setFieldsValue({
      parentId: org?.id ?? null,
      kind: 'department',
      level: org?.level ?? 'county',
      isHub: false,
      reviewMode: 'review_and_signoff',
      urgentSignForMinutes: 60,
      sortOrder: 0,
    });
    setEditing('create');
  };
  const openEdit = () => {
    if (!org) return;
    form.resetFields();
    form.setFieldsValue({ ...org });
    setEditing('edit');
  };
  const saveOrg = async () => {
    const v = await form.validateFields();
    const body = { ...v, divisionCode: v.divisionCode || null, shortName: v.shortName || undefined };
    try {
      if (editing === 'create') {
        const created = await api.post<OrgNode>('/api/orgs', body);
        setSelected(created.id);
        void message.success('单位已新增');
      } else if (org) {
        await api.patch<OrgNode>(`/api/orgs/${org.id}`, { ...body, rowVersion: org.rowVersion });
        void message.success('单位信息已保存');
      }
      setEditing(null);
      orgs.reload();
    } catch (e) {
      onError(e);
    }
  };

  const saveDirect = async () => {
    if (!org) return;
    try {
      await api.put<OrgNode>(`/api/orgs/${org.id}/direct-report-hubs`, {
        rowVersion: org.rowVersion,
        hubIds: directHubs,
      });
      void message.success('直报点设置已保存');
      setDirectOpen(false);
      orgs.reload();
    } catch (e) {
      onError(e);
    }
  };

  return (
    <PageContainer
      title="单位管理"
      crumbs={[{ title: '系统管理' }, { title: '单位管理' }]}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={orgs.reload}>
            刷新
          </Button>
          {isSys ? (
            <>
              <Button icon={<ImportOutlined />} onClick={() => setImportOpen(true)}>
                批量导入
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={openCreate}>
                {org ? '新增下级单位' : '新增单位'}
              </Button>
            </>
          ) : null}
        </Space>
      }
    >
      <Row gutter={16}>
        <Col xs={24} lg={10} xl={8}>
          <Card title="单位树" styles={{ body: { maxHeight: 'calc(100vh - 260px)', overflow: 'auto' } }}>
            {orgs.loading && !orgs.data ? (
              <Skeleton active />
            ) : list.length === 0 ? (
              <Empty description={orgs.data === null ? '单位接口暂不可用' : '暂无单位'} />
            ) : (
              <Tree
                showIcon
                blockNode
                defaultExpandedKeys={allKeys}
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys) => setSelected((keys[0] as string | undefined) ?? null)}
                treeData={tree}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14} xl={16}>
          {org ? (
            <Space orientation="vertical" style={{ width: '100%' }} size={16}>
              <Card
                title={org.name}
                extra={
                  isSys ? (
                    <Button type="link" onClick={openEdit}>
                      修改
                    </Button>
                  ) : null
                }
              >
                <Descriptions column={{ xs: 1, md: 2 }} size="small">
                  <Descriptions.Item label="简称">{org.shortName}</Descriptions.Item>
                  <Descriptions.Item label="类型">{ORG_KIND_LABELS[org.kind]}</Descriptions.Item>
                  <Descriptions.Item label="行政级别">{ORG_LEVEL_LABELS[org.level]}</Descriptions.Item>
                  <Descriptions.Item label="行政区划代码">{org.divisionCode ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="上级单位">
                    {org.parentId ? byId.get(org.parentId)?.name : '（顶级）'}
                  </Descriptions.Item>
                  <Descriptions.Item label="信息汇总单位">
                    {org.isHub ? <Tag color="red">是</Tag> : '否'}
                  </Descriptions.Item>
                  <Descriptions.Item label="单位内流程">
                    {REVIEW_MODE_LABELS[org.reviewMode]}
                  </Descriptions.Item>
                  <Descriptions.Item label="特急签收时限">{org.urgentSignForMinutes} 分钟</Descriptions.Item>
                  <Descriptions.Item label="直报点" span={2}>
                    <span data-testid="direct-report-hubs">
                      {org.directReportHubIds.length
                        ? `可直报：${org.directReportHubIds.map((h) => byId.get(h)?.name ?? h).join('、')}`
                        : '—'}
                    </span>
                    {isSys ? (
                      <Button
                        type="link"
                        size="small"
                        onClick={() => {
                          setDirectHubs(org.directReportHubIds);
                          setDirectOpen(true);
                        }}
                      >
                        设置
                      </Button>
                    ) : null}
                  </Descriptions.Item>
                </Descriptions>
              </Card>
              {org.isHub ? <StagesCard hubId={org.id} /> : null}
            </Space>
          ) : (
            <Card>
              <Empty description="请在左侧选择单位" />
            </Card>
          )}
        </Col>
      </Row>

      <Modal
        open={editing !== null}
        title={editing === 'create' ? '新增单位' : '修改单位'}
        okText="保存"
        cancelText="取消"
        onOk={() => void saveOrg()}
        onCancel={() => setEditing(null)}
        width={640}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Row gutter={12}>
            <Col span={14}>
              <Form.Item
                label="单位名称"
                name="name"
                rules={[{ required: true, whitespace: true, message: '请填写单位名称' }]}
              >
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item label="简称" name="shortName">
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="类型" name="kind" rules={[{ required: true }]}>
                <Select options={ORG_KINDS.map((k) => ({ value: k, label: ORG_KIND_LABELS[k] }))} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="行政级别" name="level" rules={[{ required: true }]}>
                <Select options={ORG_LEVELS.map((k) => ({ value: k, label: ORG_LEVEL_LABELS[k] }))} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="上级单位" name="parentId">
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  options={list
                    .filter((o) => o.id !== org?.id || editing === 'create')
                    .map((o) => ({ value: o.id, label: o.name }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                label="行政区划代码"
                name="divisionCode"
                rules={[{ pattern: /^\d{6}(\d{3}){0,2}$/, message: '行政区划代码应为6、9或12位数字' }]}
              >
                <Input placeholder="GB/T 2260，可不填" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="单位内流程" name="reviewMode">
                <Select options={REVIEW_MODES.map((m) => ({ value: m, label: REVIEW_MODE_LABELS[m] }))} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item label="信息汇总单位" name="isHub" valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item label="排序" name="sortOrder">
                <InputNumber min={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="特急签收时限（分钟）" name="urgentSignForMinutes">
                <InputNumber min={5} max={1440} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
      <Modal
        open={directOpen}
        title={`设置直报点 · ${org?.name ?? ''}`}
        okText="保存"
        cancelText="取消"
        onOk={() => void saveDirect()}
        onCancel={() => setDirectOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          不得越级投报。被设为上级信息汇总单位的直报点后，本单位可越过最近的汇总单位直接向其报送。
        </Typography.Paragraph>
        <Select
          mode="multiple"
          aria-label="可直报的汇总单位"
          style={{ width: '100%' }}
          value={directHubs}
          onChange={setDirectHubs}
          placeholder="选择上级信息汇总单位"
          optionFilterProp="label"
          options={list
            .filter((o) => o.isHub && o.id !== org?.id && o.id !== org?.parentId)
            .map((o) => ({ value: o.id, label: o.name }))}
        />
      </Modal>
      <ImportModal open={importOpen} onClose={() => setImportOpen(false)} onDone={orgs.reload} />
    </PageContainer>
  );
}

function StagesCard({ hubId }: { hubId: string }) {
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const stages = useLoad(() => api.get<StagesView>(`/api/orgs/${hubId}/stages`), [hubId]);
  const [draft, setDraft] = useState<Stage[] | null>(null);
  const rows = draft ?? stages.data?.stages ?? [];
  const save = async () => {
    if (!draft) return;
    try {
      const next = await api.put<StagesView>(`/api/orgs/${hubId}/stages`, {
        rowVersion: stages.data?.rowVersion,
        stages: draft.map((s) => ({ name: s.name.trim(), role: s.role })),
      });
      stages.setData(next);
      setDraft(null);
      void message.success('接收环节已保存');
    } catch (e) {
      onError(e);
    }
  };
  return (
    <Card
      title="接收环节"
      extra={
        draft ? (
          <Space>
            <Button onClick={() => setDraft(null)}>取消</Button>
            <Button type="primary" onClick={() => void save()}>
              保存
            </Button>
          </Space>
        ) : (
          <Button
            type="link"
            onClick={() => setDraft([...(stages.data?.stages ?? [])])}
            disabled={Boolean(stages.error)}
          >
            设置
          </Button>
        )
      }
    >
      {stages.error ? (
        <Alert type="info" showIcon title={stages.error.message} />
      ) : stages.loading && !stages.data ? (
        <Skeleton active />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            签收后依次经过的审核环节（如 初审 → 复审 → 领导审核）。不设置时，签收后即可处理。
          </Typography.Paragraph>
          <ResponsiveTable<Stage>
            size="small"
            rowKey={(_, i) => String(i)}
            pagination={false}
            dataSource={rows}
            locale={{ emptyText: '未设置接收环节' }}
            columns={[
              { title: '序号', width: 60, render: (_: unknown, __: Stage, i: number) => i + 1 },
              {
                title: '环节名称',
                render: (_: unknown, s: Stage, i: number) =>
                  draft ? (
                    <Input
                      aria-label={`第${i + 1}环节名称`}
                      value={s.name}
                      maxLength={20}
                      onChange={(e) =>
                        setDraft(draft.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                      }
                    />
                  ) : (
                    s.name
                  ),
              },
              {
                title: '办理角色',
                width: 160,
                render: (_: unknown, s: Stage, i: number) =>
                  draft ? (
                    <Select
                      aria-label={`第${i + 1}环节办理角色`}
                      style={{ width: '100%' }}
                      value={s.role}
                      onChange={(role) => setDraft(draft.map((x, j) => (j === i ? { ...x, role } : x)))}
                      options={STAGE_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
                    />
                  ) : (
                    ROLE_LABELS[s.role]
                  ),
              },
              ...(draft
                ? [
                    {
                      title: '',
                      width: 60,
                      render: (_: unknown, __: Stage, i: number) => (
                        <Button type="link" danger onClick={() => setDraft(draft.filter((_x, j) => j !== i))}>
                          删除
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {draft && draft.length < 5 ? (
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              style={{ marginTop: 8 }}
              onClick={() => setDraft([...draft, { name: '', role: 'editor' }])}
            >
              添加环节
            </Button>
          ) : null}
        </>
      )}
    </Card>
  );
}

interface ImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
}

function ImportModal({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(): void }) {
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<{ message: string; rows: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<ImportResult>('/api/orgs/import', { csv, dryRun });
      setResult(r);
      if (!dryRun) onDone();
    } catch (e) {
      if (e instanceof ApiError) {
        const errs = Array.isArray(e.details?.errors)
          ? (e.details.errors as { row: number; column: string | null; message: string }[])
          : [];
        setError({
          message: e.message,
          rows: errs.map((x) => `第${x.row}行${x.column ? `「${x.column}」` : ''}：${x.message}`),
        });
      } else setError({ message: String(e), rows: [] });
      setResult(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title="批量导入单位"
      onCancel={onClose}
      width={720}
      footer={
        <Space>
          <Button onClick={onClose}>关闭</Button>
          <Button onClick={() => void run(true)} loading={busy} disabled={!csv.trim()}>
            试导入（不写入）
          </Button>
          <Button type="primary" onClick={() => void run(false)} loading={busy} disabled={!csv.trim()}>
            导入
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        粘贴 CSV 内容（首行为表头）。可用的列：{IMPORT_COLUMNS_HINT}
        。同一上级下同名单位将被更新，不会重复创建。
      </Typography.Paragraph>
      <Input.TextArea
        aria-label="CSV 内容"
        rows={10}
        value={csv}
        onChange={(e) => setCsv(e.target.value)}
        placeholder={
          '单位名称,简称,类型,行政级别,上级单位,是否信息汇总单位\n××县人民政府办公室,县政府办,政府办公室,县级,××市人民政府办公室,是'
        }
        style={{ fontFamily: 'monospace' }}
      />
      {result ? (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          showIcon
          title={`${result.dryRun ? '试导入通过' : '导入完成'}：新增 ${result.created} 个，更新 ${result.updated} 个，无变化 ${result.unchanged} 个`}
        />
      ) : null}
      {error ? (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          title={error.message}
          description={
            error.rows.length ? (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {error.rows.slice(0, 30).map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ) : null
          }
        />
      ) : null}
    </Modal>
  );
}
