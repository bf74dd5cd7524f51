import { SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Select, Skeleton, Typography } from 'antd';
import { api } from '../api/client';
import { formatTime, useErrorHandler, useLoad } from '../hooks';
import { PageContainer } from '../layout/PageContainer';
import type { SecurityPolicyValues } from '../../server/modules/auth/security-policy';

type Policy = SecurityPolicyValues & { version: number; updatedAt: string };

const FIELDS: {
  name: keyof SecurityPolicyValues;
  label: string;
  unit: string;
  min: number;
  max: number;
  help?: string;
}[][] = [
  [
    {
      name: 'passwordMinLength',
      label: '密码最小长度',
      unit: '位',
      min: 8,
      max: 64,
      help: '等保实践：不少于12位',
    },
    {
      name: 'passwordMinClasses',
      label: '字符类别（大写、小写、数字、特殊字符）至少',
      unit: '类',
      min: 2,
      max: 4,
    },
    { name: 'passwordHistory', label: '不得重复使用最近', unit: '次的密码', min: 0, max: 24 },
    { name: 'passwordMaxAgeDays', label: '密码有效期', unit: '天（0 为不过期）', min: 0, max: 365 },
  ],
  [
    { name: 'lockoutThreshold', label: '连续登录失败', unit: '次后锁定', min: 3, max: 20 },
    { name: 'lockoutWindowMinutes', label: '失败次数统计时段', unit: '分钟', min: 1, max: 1440 },
    { name: 'lockoutMinutes', label: '锁定时长', unit: '分钟', min: 1, max: 1440 },
  ],
  [
    { name: 'sessionIdleMinutes', label: '会话空闲超时', unit: '分钟', min: 5, max: 240 },
    { name: 'adminSessionIdleMinutes', label: '三员会话空闲超时', unit: '分钟', min: 5, max: 60 },
  ],
];
const GROUPS = ['密码策略', '登录锁定', '会话'];

/** 安全策略: password, lockout and session rules, stored on the server and used by the login code. */
export default function SecurityPolicyPage() {
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const [form] = Form.useForm<SecurityPolicyValues>();
  const policy = useLoad(async () => {
    const p = await api.get<Policy>('/api/security/policy');
    form.setFieldsValue(p);
    return p;
  }, []);

  const save = async () => {
    const values = await form.validateFields();
    try {
      const p = await api.put<Policy>('/api/security/policy', { ...values, version: policy.data?.version });
      policy.setData(p);
      form.setFieldsValue(p);
      void message.success('安全策略已保存并立即生效');
    } catch (e) {
      onError(e);
    }
  };

  return (
    <PageContainer
      title="安全策略"
      crumbs={[{ title: '安全管理' }, { title: '安全策略' }]}
      extra={
        <Button type="primary" icon={<SaveOutlined />} onClick={() => void save()} disabled={!policy.data}>
          保存
        </Button>
      }
    >
      {policy.error ? <Alert type="warning" showIcon title={policy.error.message} /> : null}
      {policy.loading && !policy.data ? <Skeleton active /> : null}
      <Form form={form} layout="vertical" style={{ display: policy.data ? undefined : 'none' }}>
        <Row gutter={[16, 16]}>
          {FIELDS.map((group, i) => (
            <Col key={GROUPS[i]} xs={24} lg={8}>
              <Card title={GROUPS[i]} style={{ height: '100%' }}>
                {group.map((f) => (
                  <Form.Item
                    key={f.name}
                    name={f.name}
                    label={f.label}
                    extra={f.help}
                    rules={[{ required: true, message: `请填写${f.label}` }]}
                  >
                    <InputNumber
                      min={f.min}
                      max={f.max}
                      precision={0}
                      suffix={f.unit}
                      style={{ width: '100%' }}
                    />
                  </Form.Item>
                ))}
                {i === 2 ? (
                  <Form.Item
                    name="secondFactorRequired"
                    label="两步验证（动态口令）"
                    extra="要求的用户登录后须先绑定验证器；已绑定的用户登录时都需输入动态口令"
                  >
                    <Select
                      options={[
                        { value: 'none', label: '不强制（用户自愿启用）' },
                        { value: 'admins', label: '三员必须启用' },
                        { value: 'all', label: '所有用户必须启用' },
                      ]}
                    />
                  </Form.Item>
                ) : null}
              </Card>
            </Col>
          ))}
        </Row>
      </Form>
      {policy.data ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
          最近修改：{formatTime(policy.data.updatedAt)}
          。修改记入审计日志；新的密码规则在下次设置密码时生效，锁定与会话规则立即生效。
        </Typography.Paragraph>
      ) : null}
    </PageContainer>
  );
}
