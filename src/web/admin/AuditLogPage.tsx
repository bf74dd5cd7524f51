import { DownloadOutlined, ReloadOutlined, SafetyOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, type Query } from '../api/client';
import { formatTime, useErrorHandler } from '../hooks';
import {
  AUDIT_EVENT_LABELS,
  AUDIT_OBJECT_LABELS,
  auditEventLabel,
  auditObjectLabel,
  auditResultLabel,
} from '../labels';
import { PageContainer } from '../layout/PageContainer';
import { ResponsiveTable } from '../components/ResponsiveTable';

interface AuditRow {
  id: number;
  at: string;
  userId: string | null;
  username: string | null;
  displayName: string | null;
  ip: string | null;
  requestId: string | null;
  event: string;
  objectType: string | null;
  objectId: string | null;
  result: 'success' | 'denied' | 'failure';
  detail: Record<string, unknown> | null;
}
interface Verification {
  ok: boolean;
  checked: number;
  brokenAt: number | null;
  problem: string | null;
  at: string;
}
interface Filters {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  result?: string;
}

const FAMILIES: [string, string][] = [
  ['auth.*', '登录与密码（全部）'],
  ['access.*', '被拒绝的访问（全部）'],
  ['user.*', '账号管理（全部）'],
  ['item.*', '稿件流转（全部）'],
  ['issue.*', '期刊编发（全部）'],
  ['scoring.*', '考核积分（全部）'],
];
const ACTION_OPTIONS = [
  ...FAMILIES.map(([value, label]) => ({ value, label })),
  ...Object.entries(AUDIT_EVENT_LABELS)
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.value.localeCompare(b.value)),
];
const RESULT_COLORS = { success: 'green', denied: 'red', failure: 'orange' } as const;
/** Why a login or password change failed (detail.reason). */
const REASONS: Record<string, string> = {
  bad_password: '密码错误',
  unknown_user: '用户不存在',
  disabled: '账号已停用',
  locked: '账号锁定中',
  rate_limited: '该地址尝试过多',
  bad_current_password: '当前密码错误',
  policy: '新密码不符合规则',
  reused: '与历史密码重复',
};

function toQuery(f: Filters): Query {
  return {
    actor: f.actor?.trim() || undefined,
    action: f.action,
    objectType: f.objectType,
    objectId: f.objectId?.trim() || undefined,
    result: f.result,
    from: f.range?.[0]?.startOf('minute').toISOString(),
    to: f.range?.[1]?.endOf('minute').toISOString(),
  };
}

function summary(r: AuditRow): string {
  const d = r.detail ?? {};
  const parts: string[] = [];
  if (typeof d.reason === 'string') parts.push(REASONS[d.reason] ?? '其他原因');
  if (typeof d.username === 'string') parts.push(`账号 ${d.username}`);
  if (typeof d.status === 'number') parts.push(`状态码 ${d.status}`);
  if (typeof d.checked === 'number') parts.push(`校验 ${d.checked} 条`);
  if (typeof d.rows === 'number') parts.push(`导出 ${d.rows} 条`);
  return parts.join('，');
}

/** 审计日志: the audit administrator's viewer, with filters, chain verification and Excel export. */
export default function AuditLogPage() {
  const { modal } = App.useApp();
  const onError = useErrorHandler();
  const [form] = Form.useForm<Filters>();
  const [params] = useSearchParams();
  const initialResult = params.get('result') ?? undefined;
  const [query, setQuery] = useState<Query>({ result: initialResult });
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = useCallback(async (q: Query, before?: number) => {
    setLoading(true);
    try {
      const page = await api.get<{ rows: AuditRow[]; nextBefore: number | null }>('/api/audit', {
        ...q,
        before,
        limit: 50,
      });
      setRows((old) => (before ? [...old, ...page.rows] : page.rows));
      setNext(page.nextBefore);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : '加载失败');
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(query);
  }, [load, query]);

  const verify = async () => {
    setVerifying(true);
    try {
      const v = await api.post<Verification>('/api/audit/verify', {});
      if (v.ok)
        modal.success({ title: '哈希链完整', content: `已校验 ${v.checked} 条审计记录，未发现篡改。` });
      else
        modal.error({
          title: '哈希链校验未通过',
          content: `${v.problem ?? `第 ${v.brokenAt} 号记录的内容或链接与前一条不符`}。自该处起的记录可能被篡改或删除，请立即上报。`,
        });
    } catch (e) {
      onError(e);
    } finally {
      setVerifying(false);
    }
  };

  const exportHref = () => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    return `/api/audit/export.xlsx${params.size ? `?${params.toString()}` : ''}`;
  };

  return (
    <PageContainer
      title="审计日志"
      crumbs={[{ title: '审计管理' }, { title: '审计日志' }]}
      extra={
        <Space wrap>
          <Button icon={<SafetyOutlined />} loading={verifying} onClick={() => void verify()}>
            校验哈希链
          </Button>
          <Button icon={<DownloadOutlined />} href={exportHref()}>
            导出 Excel
          </Button>
        </Space>
      }
    >
      <Card style={{ marginBottom: 16 }}>
        <Form
          form={form}
          layout="inline"
          className="zx-filter-bar"
          initialValues={{ result: initialResult }}
          onFinish={(v) => setQuery(toQuery(v))}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="actor" label="操作人">
            <Input placeholder="用户名或姓名" allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="action" label="操作">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部操作"
              options={ACTION_OPTIONS}
              style={{ width: 220 }}
            />
          </Form.Item>
          <Form.Item name="objectType" label="对象">
            <Select
              allowClear
              placeholder="全部对象"
              options={Object.entries(AUDIT_OBJECT_LABELS).map(([value, label]) => ({ value, label }))}
              style={{ width: 120 }}
            />
          </Form.Item>
          <Form.Item name="objectId" label="对象编号">
            <Input allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="range" label="时间">
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="result" label="结果">
            <Select
              allowClear
              placeholder="全部"
              options={[
                { value: 'success', label: '成功' },
                { value: 'denied', label: '拒绝' },
                { value: 'failure', label: '失败' },
              ]}
              style={{ width: 100 }}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => {
                  form.resetFields();
                  setQuery({});
                }}
              >
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        {error ? <Alert type="warning" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
        <ResponsiveTable<AuditRow>
          rowKey="id"
          loading={loading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 980 }}
          size="middle"
          locale={{ emptyText: <Empty description="没有符合条件的审计记录" /> }}
          expandable={{
            expandedRowRender: (r) => (
              <div>
                <Typography.Text type="secondary">
                  请求编号：{r.requestId ?? '—'} · 对象编号：{r.objectId ?? '—'}
                </Typography.Text>
                <pre style={{ whiteSpace: 'pre-wrap', margin: '8px 0 0', fontSize: 12 }}>
                  {JSON.stringify(r.detail ?? {}, null, 2)}
                </pre>
              </div>
            ),
          }}
          columns={[
            { title: '编号', dataIndex: 'id', width: 80 },
            { title: '时间', dataIndex: 'at', width: 160, render: (t: string) => formatTime(t) },
            {
              title: '操作人',
              key: 'who',
              width: 160,
              render: (_: unknown, r) =>
                r.displayName ? (
                  <span>
                    {r.displayName}
                    <Typography.Text type="secondary">（{r.username}）</Typography.Text>
                  </span>
                ) : (
                  <Typography.Text type="secondary">
                    {r.userId ? '已删除账号' : '系统/未登录'}
                  </Typography.Text>
                ),
            },
            { title: '操作', dataIndex: 'event', render: (e: string) => auditEventLabel(e) },
            {
              title: '对象',
              dataIndex: 'objectType',
              width: 90,
              render: (t: string | null) => auditObjectLabel(t),
            },
            {
              title: '结果',
              dataIndex: 'result',
              width: 80,
              render: (r: AuditRow['result']) => <Tag color={RESULT_COLORS[r]}>{auditResultLabel(r)}</Tag>,
            },
            { title: 'IP', dataIndex: 'ip', width: 130, render: (ip: string | null) => ip ?? '—' },
            { title: '摘要', key: 'summary', render: (_: unknown, r) => summary(r) },
          ]}
        />
        {next ? (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button loading={loading} onClick={() => void load(query, next)}>
              加载更多
            </Button>
          </div>
        ) : rows.length > 0 ? (
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginTop: 16 }}>
            已显示全部 {rows.length} 条
          </Typography.Paragraph>
        ) : null}
      </Card>
    </PageContainer>
  );
}
