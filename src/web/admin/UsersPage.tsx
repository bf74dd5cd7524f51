import { PlusOutlined, ReloadOutlined, UserOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Tag,
  TreeSelect,
} from 'antd';
import { MaskedValue } from '../components/MaskedValue';
import { ResponsiveTable } from '../components/ResponsiveTable';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { buildTree, loadOrgs, type OrgNode, type TreeNode } from '../api/orgs';
import type { Wire } from '../api/types';
import { hasRole, unitsWithRole, useMe } from '../auth/AuthContext';
import { formatTime, useErrorHandler, useLoad } from '../hooks';
import { roleLabel, ROLE_LABELS } from '../labels';
import { PageContainer } from '../layout/PageContainer';
import { AccountActions, useOneTimePassword, type PasswordDelivery } from './account-actions';
import type { presentUsers } from '../../server/modules/orgs/use-cases/user-access.js';
import { ROLES, type Role } from '../../server/modules/orgs/domain';

type UserRow = Wire<Awaited<ReturnType<typeof presentUsers>>>[number];

interface UserForm {
  username?: string;
  displayName: string;
  /** A new number (the stored one is never sent to the form: SECURITY.md §22); empty keeps it. */
  phone?: string | null;
  clearPhone?: boolean;
  email?: string | null;
  roles: Role[];
  disabled?: boolean;
}

interface TreeSelectNode {
  value: string;
  title: string;
  children: TreeSelectNode[];
}
const toTreeSelect = (nodes: TreeNode<OrgNode>[]): TreeSelectNode[] =>
  nodes.map((n) => ({ value: n.org.id, title: n.org.name, children: toTreeSelect(n.children) }));

/** 用户管理: the accounts holding roles in one unit; create, edit roles, disable, reset password. */
export default function UsersPage() {
  const me = useMe();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const showPassword = useOneTimePassword();
  const seesAll = hasRole(me, ['sys_admin', 'sec_admin']);
  // 三员: one-time passwords of their creates go to the person's mailbox (the address is required), and they
  // never change another person's address.
  const isAdministrator = hasRole(me, ['sys_admin', 'sec_admin', 'audit_admin']);
  const adminUnits = unitsWithRole(me, ['org_admin']);
  const orgs = useLoad(() => loadOrgs(), []);
  const [orgId, setOrgId] = useState<string | undefined>(adminUnits[0]?.id ?? me.units[0]?.id);
  const users = useLoad(
    () => (orgId ? api.get<UserRow[]>('/api/users', { orgId }) : Promise.resolve([] as UserRow[])),
    [orgId],
  );
  const grantable = useLoad(
    () =>
      orgId
        ? api.get<{ roles: Role[] }>('/api/users/grantable-roles', { orgId })
        : Promise.resolve({ roles: [] as Role[] }),
    [orgId],
  );
  const canGrant = (grantable.data?.roles.length ?? 0) > 0;
  const [editing, setEditing] = useState<UserRow | 'new' | null>(null);
  const [form] = Form.useForm<UserForm>();
  const orgName = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const treeData = useMemo(() => {
    const all = orgs.data ?? [];
    const allowed = seesAll ? all : all.filter((o) => adminUnits.some((u) => u.id === o.id));
    return toTreeSelect(buildTree(allowed));
  }, [orgs.data, seesAll, adminUnits]);
  // Every role is labelled (a role the actor cannot grant still reads in Chinese), only grantable ones enabled.
  const roleOptions = ROLES.map((r) => ({
    value: r,
    label: ROLE_LABELS[r],
    disabled: !grantable.data?.roles.includes(r),
  }));
  const current = editing && editing !== 'new' ? editing : null;
  const emailEditable = !current || !isAdministrator || current.id === me.user.id;

  const openNew = () => {
    form.resetFields();
    // The first role the actor may grant here: 信息员 for a unit administrator, 单位管理员 for the system administrator.
    const offered = grantable.data?.roles ?? [];
    form.setFieldsValue({
      roles: [
        offered.includes('writer')
          ? 'writer'
          : (offered.find((r) => r === 'org_admin') ?? offered[0] ?? 'writer'),
      ],
    });
    setEditing('new');
  };
  const openEdit = (u: UserRow) => {
    form.resetFields();
    form.setFieldsValue({
      displayName: u.displayName,
      email: u.email,
      disabled: u.disabled,
      roles: u.memberships.filter((m) => m.orgId === orgId).map((m) => m.role),
    });
    setEditing(u);
  };

  // 三员分立, two-person rule: a 单位管理员 the system administrator grants waits for the security administrator.
  const notePending = () =>
    void message.warning({ content: '单位管理员角色须经安全管理员确认后生效', duration: 8 });

  const save = async () => {
    if (!orgId || !editing) return;
    const v = await form.validateFields();
    try {
      if (editing === 'new') {
        const created = await api.post<UserRow & PasswordDelivery>('/api/users', {
          username: v.username?.trim(),
          displayName: v.displayName.trim(),
          phone: v.phone?.trim() || null,
          email: v.email?.trim() || null,
          memberships: v.roles.map((role) => ({ orgId, role })),
        });
        showPassword(created, created, '账号已创建');
        if (created.pendingMemberships.length > 0) notePending();
      } else {
        const others = editing.memberships.filter((m) => m.orgId !== orgId);
        const newPhone = v.phone?.trim();
        const saved = await api.patch<UserRow>(`/api/users/${editing.id}`, {
          rowVersion: editing.rowVersion,
          displayName: v.displayName.trim(),
          ...(newPhone ? { phone: newPhone } : v.clearPhone ? { phone: null } : {}),
          ...(emailEditable && { email: v.email?.trim() || null }),
          ...(editing.abilities.disable && { disabled: v.disabled ?? false }),
          ...(editing.abilities.editRoles && {
            memberships: [...others, ...v.roles.map((role) => ({ orgId, role }))],
          }),
        });
        void message.success('账号已保存');
        if (saved.pendingMemberships.length > editing.pendingMemberships.length) notePending();
      }
      setEditing(null);
      users.reload();
    } catch (e) {
      onError(e);
    }
  };

  return (
    <PageContainer
      title="用户管理"
      crumbs={[{ title: '系统管理' }, { title: '用户管理' }]}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={users.reload} disabled={!orgId}>
            刷新
          </Button>
          {canGrant ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={openNew} disabled={!orgId}>
              新建账号
            </Button>
          ) : null}
        </Space>
      }
    >
      <Card>
        <Space className="zx-filter-bar" wrap>
          <span>单位：</span>
          <TreeSelect
            aria-label="选择单位"
            style={{ width: '100%', maxWidth: 360, minWidth: 200 }}
            showSearch
            treeNodeFilterProp="title"
            treeDefaultExpandAll
            placeholder="请选择单位"
            value={orgId}
            onChange={(v: string) => setOrgId(v)}
            treeData={treeData}
            loading={orgs.loading}
          />
        </Space>
        {!orgId ? (
          <Empty description="请选择单位以查看其人员" />
        ) : users.error ? (
          <Alert type="warning" showIcon title={users.error.message} />
        ) : (
          <ResponsiveTable<UserRow>
            rowKey="id"
            loading={users.loading}
            dataSource={users.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description="该单位暂无人员" /> }}
            columns={[
              {
                title: '姓名',
                dataIndex: 'displayName',
                render: (n: string, u) => (
                  <Space>
                    <UserOutlined className="zx-muted" />
                    {n}
                    {u.disabled ? <Tag>已停用</Tag> : null}
                    {u.mustChangePassword ? <Tag color="orange">待改密</Tag> : null}
                    {u.lockedUntil ? <Tag color="red">已锁定</Tag> : null}
                  </Space>
                ),
              },
              { title: '用户名', dataIndex: 'username', width: 140 },
              {
                title: '本单位角色',
                key: 'roles',
                render: (_: unknown, u) =>
                  u.memberships
                    .filter((m) => m.orgId === orgId)
                    .map((m) =>
                      u.pendingMemberships.some((p) => p.orgId === m.orgId && p.role === m.role) ? (
                        <Space key={m.role} size={4}>
                          <Tag color="red">{roleLabel(m.role)}</Tag>
                          <Tag color="gold">待安全管理员确认</Tag>
                        </Space>
                      ) : (
                        <Tag key={m.role} color="red">
                          {roleLabel(m.role)}
                        </Tag>
                      ),
                    ),
              },
              {
                title: '其他单位',
                key: 'others',
                render: (_: unknown, u) => {
                  const others = [
                    ...new Set(u.memberships.filter((m) => m.orgId !== orgId).map((m) => m.orgId)),
                  ];
                  return others.length ? others.map((o) => orgName.get(o) ?? '').join('、') : '—';
                },
              },
              {
                title: '电话',
                dataIndex: 'phoneMasked',
                width: 170,
                render: (p: string | null, u) => (
                  <MaskedValue
                    masked={p}
                    revealUrl={`/api/users/${u.id}/phone/reveal`}
                    canReveal={u.abilities.revealPhone}
                  />
                ),
              },
              {
                title: '最近登录',
                dataIndex: 'lastLoginAt',
                width: 150,
                render: (t: string | null) => formatTime(t),
              },
              {
                title: '操作',
                key: 'op',
                width: 200,
                render: (_: unknown, u) => (
                  <Space size={0} wrap>
                    {u.abilities.edit ? (
                      <Button type="link" size="small" onClick={() => openEdit(u)}>
                        编辑
                      </Button>
                    ) : null}
                    <AccountActions user={u} onDone={users.reload} />
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? `新建账号（${orgId ? (orgName.get(orgId) ?? '') : ''}）` : '编辑账号'}
        okText="保存"
        cancelText="取消"
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          {editing === 'new' ? (
            <Form.Item
              label="用户名"
              name="username"
              rules={[
                { required: true, message: '请填写用户名' },
                {
                  pattern: /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/,
                  message: '2～64位字母、数字或 . _ - @，须以字母或数字开头',
                },
              ]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          ) : null}
          <Form.Item
            label="姓名"
            name="displayName"
            rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
          >
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item
            label="电话"
            name="phone"
            extra={
              current?.phoneMasked
                ? `当前：${current.phoneMasked}。为保护个人信息不回显原号码；填写新号码将替换，留空不修改`
                : undefined
            }
            rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: '电话号码格式不正确' }]}
          >
            <Input
              maxLength={20}
              autoComplete="off"
              placeholder={current?.phoneMasked ? '留空不修改' : undefined}
            />
          </Form.Item>
          {current?.phoneMasked ? (
            <Form.Item name="clearPhone" valuePropName="checked" style={{ marginTop: -8 }}>
              <Checkbox>删除电话号码</Checkbox>
            </Form.Item>
          ) : null}
          <Form.Item
            label="邮箱"
            name="email"
            extra={
              emailEditable
                ? '一次性密码发送至此邮箱'
                : '三员不得修改他人的邮箱（一次性密码发送至此），请由本人或本单位的单位管理员修改'
            }
            rules={[
              { required: editing === 'new' && isAdministrator, message: '三员开设的账号须填写本人邮箱' },
              { type: 'email', message: '邮箱地址格式不正确' },
            ]}
          >
            <Input maxLength={254} autoComplete="off" disabled={!emailEditable} />
          </Form.Item>
          {editing === 'new' ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={
                isAdministrator
                  ? '初始密码由系统生成，发送至本人邮箱（管理员看不到）；首次登录须修改'
                  : '初始密码由系统生成，仅显示一次；首次登录须修改'
              }
            />
          ) : null}
          <Form.Item
            label="本单位角色"
            name="roles"
            extra="三员分立：系统管理员、安全管理员、审计管理员互斥，且不得兼任业务角色"
            rules={[{ required: true, type: 'array', min: 1, message: '至少分配一个角色' }]}
          >
            <Select
              mode="multiple"
              options={roleOptions}
              disabled={current ? !current.abilities.editRoles : false}
            />
          </Form.Item>
          {current?.abilities.disable ? (
            <Form.Item label="停用账号" name="disabled" valuePropName="checked">
              <Switch />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
    </PageContainer>
  );
}
