import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Empty, Form, Input, Modal, Space, Tabs, Tag } from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { HubNoticeRow, MyNoticeRow } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { defaultPeriod, PeriodPicker, periodQuery, useScoringHub, type PeriodValue } from './shared';

function periodTitle(p: PeriodValue): string {
  switch (p.kind) {
    case 'month':
      return `${Number(p.month.slice(0, 4))}年${Number(p.month.slice(5))}月`;
    case 'quarter':
      return `${p.quarter.slice(0, 4)}年第${'一二三四'[Number(p.quarter.slice(-1)) - 1]}季度`;
    case 'year':
      return `${p.year}年度`;
    case 'custom':
      return `${p.from}至${p.to}`;
  }
}

/** 通报: the hub's notices (draft snapshots and issued ones) and the notices my units received. */
export default function NoticesPage() {
  const me = useMe();
  const { hub, picker } = useScoringHub(me);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? (hub ? 'hub' : 'received');
  const items = [
    ...(hub ? [{ key: 'hub', label: '本单位编制', children: <HubNotices hubId={hub.id} /> }] : []),
    { key: 'received', label: '收到的通报', children: <ReceivedNotices /> },
  ];
  return (
    <PageContainer title="通报" crumbs={[{ title: '考核统计' }, { title: '通报' }]} extra={picker}>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            const next = new URLSearchParams(params);
            next.set('tab', k);
            setParams(next, { replace: true });
          }}
          items={items}
        />
      </Card>
    </PageContainer>
  );
}

function HubNotices({ hubId }: { hubId: string }) {
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const list = useLoad(() => api.get<{ rows: HubNoticeRow[] }>(`/api/hubs/${hubId}/notices`), [hubId]);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [period, setPeriod] = useState<PeriodValue>(() => defaultPeriod('month'));
  const [form] = Form.useForm<{ title: string; remarks?: string }>();

  const openCreate = () => {
    const p = defaultPeriod('month');
    setPeriod(p);
    form.setFieldsValue({ title: `关于${periodTitle(p)}政务信息报送采用情况的通报`, remarks: '' });
    setOpen(true);
  };
  const create = async () => {
    let v: { title: string; remarks?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const n = await api.post<{ id: string }>(`/api/hubs/${hubId}/notices`, {
        ...periodQuery(period),
        title: v.title.trim(),
        remarks: v.remarks?.trim() || null,
      });
      void message.success('已生成通报草稿（统计数据已冻结）');
      setOpen(false);
      navigate(`/notices/${n.id}`);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={openCreate}>
          编制通报
        </Button>
        <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label="刷新" />
      </Space>
      <ResponsiveTable<HubNoticeRow>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.rows ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={list.error?.message ?? '尚未编制通报'} /> }}
        columns={[
          {
            title: '标题',
            dataIndex: 'title',
            render: (t: string, n) => <Link to={`/notices/${n.id}`}>{t}</Link>,
          },
          { title: '统计期间', dataIndex: 'periodLabel', width: 150 },
          {
            title: '状态',
            dataIndex: 'state',
            width: 90,
            render: (s: string, n) => <Tag color={s === 'issued' ? 'green' : 'default'}>{n.stateLabel}</Tag>,
          },
          { title: '编制时间', dataIndex: 'createdAt', width: 150, render: (t: string) => formatTime(t) },
          {
            title: '印发时间',
            dataIndex: 'issuedAt',
            width: 150,
            render: (t: string | null) => formatTime(t),
          },
        ]}
      />
      <Modal
        open={open}
        title="编制通报"
        okText="生成草稿"
        cancelText="取消"
        confirmLoading={busy}
        onOk={() => void create()}
        onCancel={() => setOpen(false)}
        width={640}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item label="统计期间" required>
            <PeriodPicker
              value={period}
              onChange={(p) => {
                setPeriod(p);
                form.setFieldsValue({ title: `关于${periodTitle(p)}政务信息报送采用情况的通报` });
              }}
            />
          </Form.Item>
          <Form.Item
            label="通报标题"
            name="title"
            rules={[{ required: true, whitespace: true, message: '请填写通报标题' }, { max: 100 }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label="通报正文（说明、点评、下步要求）" name="remarks">
            <Input.TextArea rows={5} maxLength={5000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function ReceivedNotices() {
  const list = useLoad(() => api.get<{ rows: MyNoticeRow[] }>('/api/notices'), []);
  return (
    <ResponsiveTable<MyNoticeRow>
      rowKey={(r) => `${r.id}-${r.orgId}`}
      size="middle"
      loading={list.loading}
      dataSource={list.data?.rows ?? []}
      pagination={false}
      locale={{ emptyText: <Empty description={list.error?.message ?? '暂未收到通报'} /> }}
      columns={[
        {
          title: '标题',
          dataIndex: 'title',
          render: (t: string, n) => (
            <Space>
              {!n.read ? <Badge status="error" /> : null}
              <Link to={`/notices/${n.id}`} style={{ fontWeight: n.read ? 400 : 600 }}>
                {t}
              </Link>
            </Space>
          ),
        },
        { title: '印发单位', dataIndex: 'hubName', width: 200 },
        { title: '统计期间', dataIndex: 'periodLabel', width: 140 },
        { title: '印发时间', dataIndex: 'issuedAt', width: 150, render: (t: string | null) => formatTime(t) },
        {
          title: '状态',
          dataIndex: 'read',
          width: 80,
          render: (r: boolean) => (r ? <Tag color="green">已读</Tag> : <Tag color="orange">未读</Tag>),
        },
      ]}
    />
  );
}
