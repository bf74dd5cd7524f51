import { KeyOutlined, LogoutOutlined, SafetyOutlined, UnlockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Popconfirm, Space, Typography } from 'antd';
import { api } from '../api/client';
import { useErrorHandler } from '../hooks';

export interface AccountAbilities {
  edit: boolean;
  editRoles: boolean;
  disable: boolean;
  resetPassword: boolean;
  unlock: boolean;
  endSessions: boolean;
}

export interface AccountRow {
  id: string;
  username: string;
  displayName: string;
  abilities: AccountAbilities;
}

/** How the server delivered a one-time password (the answer of a create or a reset). */
export interface PasswordDelivery {
  delivery: 'mail' | 'screen';
  to?: string;
  temporaryPassword?: string;
  demoOnly?: boolean;
}

/**
 * Tells the administrator how the one-time password reached the person: sent by mail (三员 never see it), or —
 * for a unit's own administrator, or on a demo server without a mail channel — shown this once, with a copy button.
 */
export function useOneTimePassword() {
  const { modal } = App.useApp();
  return (u: { username: string; displayName: string }, d: PasswordDelivery, title: string) =>
    modal.success({
      title,
      width: 480,
      content:
        d.delivery === 'mail' ? (
          <p>
            一次性密码已发送至 {u.displayName}（{u.username}）的邮箱 <b>{d.to}</b>
            ，管理员看不到它。本人首次登录须修改；此操作已记入审计日志并告知本人。
          </p>
        ) : (
          <div>
            {d.demoOnly ? (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title="仅限演示模式：未配置邮件发送通道"
                description="生产环境中，三员创建或重置的账号的一次性密码只发送至本人邮箱，不会显示给管理员（运维人员须设置 ZX_SMTP_URL）。"
              />
            ) : null}
            <p>
              {u.displayName}（{u.username}
              ）的一次性密码如下，仅显示这一次。请当面或通过安全渠道告知本人，首次登录须修改：
            </p>
            <Typography.Paragraph copyable code style={{ fontSize: 16, wordBreak: 'break-all' }}>
              {d.temporaryPassword}
            </Typography.Paragraph>
          </div>
        ),
    });
}

/** The account buttons the server's abilities allow: 重置密码, 解锁, 重置两步验证, 强制下线 (each confirmed). */
export function AccountActions({ user, onDone }: { user: AccountRow; onDone: () => void }) {
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const showPassword = useOneTimePassword();
  const a = user.abilities;
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
      onDone();
    } catch (e) {
      onError(e);
    }
  };
  return (
    <Space size={0} wrap>
      {a.resetPassword ? (
        <Popconfirm
          title="重置该用户的密码？"
          description="将生成一次性密码（三员重置时发送至本人邮箱），原密码立即失效，用户下次登录须修改；此操作记入审计日志并告知本人。"
          okText="重置"
          cancelText="取消"
          onConfirm={() =>
            run(async () => {
              const r = await api.post<PasswordDelivery>(`/api/users/${user.id}/reset-password`, {});
              showPassword(user, r, '密码已重置');
            })
          }
        >
          <Button type="link" size="small" icon={<KeyOutlined />}>
            重置密码
          </Button>
        </Popconfirm>
      ) : null}
      {a.unlock ? (
        <Popconfirm
          title="解锁该账号？"
          description="清除登录失败记录，用户可立即用原密码登录。"
          okText="解锁"
          cancelText="取消"
          onConfirm={() =>
            run(async () => {
              await api.post(`/api/users/${user.id}/unlock`, {});
              void message.success('账号已解锁');
            })
          }
        >
          <Button type="link" size="small" icon={<UnlockOutlined />}>
            解锁
          </Button>
        </Popconfirm>
      ) : null}
      {/* The security administrator's, on others' accounts (the same rule as 强制下线); the server checks it again. */}
      {a.endSessions ? (
        <Popconfirm
          title="重置该用户的两步验证？"
          description="清除已绑定的验证器与恢复码，用户须重新绑定（手机丢失或更换时使用）；此操作记入审计日志并告知本人。"
          okText="重置"
          cancelText="取消"
          onConfirm={() =>
            run(async () => {
              await api.post(`/api/security/users/${user.id}/second-factor/reset`, {});
              void message.success('两步验证已重置');
            })
          }
        >
          <Button type="link" size="small" icon={<SafetyOutlined />}>
            重置两步验证
          </Button>
        </Popconfirm>
      ) : null}
      {a.endSessions ? (
        <Popconfirm
          title="强制该用户下线？"
          description="结束该用户的全部会话，须重新登录。"
          okText="强制下线"
          cancelText="取消"
          onConfirm={() =>
            run(async () => {
              const r = await api.post<{ ended: number }>(`/api/users/${user.id}/end-sessions`, {});
              void message.success(`已结束 ${r.ended} 个会话`);
            })
          }
        >
          <Button type="link" size="small" danger icon={<LogoutOutlined />}>
            强制下线
          </Button>
        </Popconfirm>
      ) : null}
    </Space>
  );
}
