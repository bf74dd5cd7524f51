import { DeleteOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  InputNumber,
  Popconfirm,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ScoringRules, ScoringRulesView } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { LEVEL_SHORT, PENALTY_TYPES, PENALTY_TYPE_LABELS, TARGET_LEVELS, useScoringHub } from './shared';

/** The periodicals a hub may count: its own and every higher hub's, own first (the server decides). */
async function countablePeriodicals(hubId: string): Promise<{ id: string; label: string }[]> {
  const rows = await api.get<{ id: string; name: string; hubId: string; hubName: string }[]>(
    `/api/hubs/${hubId}/scorable-periodicals`,
  );
  return rows.map((p) => ({
    id: p.id,
    label: `《${p.name}》${p.hubId === hubId ? '' : `（${p.hubName}）`}`,
  }));
}

/** 积分规则 of a hub: points per periodical, forwarding multipliers, instruction bonus, penalties, rewards. */
export default function ScoringRulesPage() {
  const me = useMe();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const { hub, picker } = useScoringHub(me);
  const view = useLoad(
    () => (hub ? api.get<ScoringRulesView>(`/api/hubs/${hub.id}/scoring-rules`) : Promise.resolve(null)),
    [hub?.id],
  );
  const periodicals = useLoad(() => (hub ? countablePeriodicals(hub.id) : Promise.resolve([])), [hub?.id]);
  const [form] = Form.useForm<ScoringRules>();
  const [busy, setBusy] = useState(false);
  const v = view.data;
  const editable = Boolean(v?.abilities.edit_rules);

  useEffect(() => {
    if (v) form.setFieldsValue(v.rules);
  }, [v, form]);

  const save = async () => {
    if (!hub || !v) return;
    let values: ScoringRules;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const next = await api.put<ScoringRulesView>(`/api/hubs/${hub.id}/scoring-rules`, {
        ...values,
        rowVersion: v.version,
        periodicals: (values.periodicals ?? []).filter((p) => p?.periodicalId),
      });
      view.setData(next);
      void message.success('积分规则已保存，积分台账已按新规则重算');
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  if (!hub)
    return (
      <PageContainer title="积分规则" crumbs={[{ title: '考核统计' }, { title: '积分规则' }]}>
        <Result status="403" title="本账号不在信息汇总单位任职" />
      </PageContainer>
    );

  const levelInputs = (
    name: 'forwardMultipliers' | 'instructionBonus' | 'rewards',
    suffix: string,
    step = 1,
  ) => (
    <Row gutter={12}>
      {TARGET_LEVELS.map((l) => (
        <Col span={6} key={l}>
          <Form.Item label={LEVEL_SHORT[l]} name={[name, l]}>
            <InputNumber min={0} step={step} style={{ width: '100%' }} suffix={suffix} disabled={!editable} />
          </Form.Item>
        </Col>
      ))}
    </Row>
  );

  return (
    <PageContainer
      title="积分规则"
      crumbs={[{ title: '考核统计' }, { title: '积分规则' }]}
      extra={
        <Space>
          {picker}
          <Button icon={<ReloadOutlined />} onClick={view.reload} aria-label="刷新" />
          {editable ? (
            <Popconfirm
              title="保存积分规则？"
              description="保存后将按新规则重算本单位的积分台账。"
              okText="保存"
              cancelText="取消"
              onConfirm={() => void save()}
            >
              <Button type="primary" loading={busy}>
                保存规则
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      }
    >
      {view.error ? <Alert type="error" showIcon title={view.error.message} /> : null}
      {!v && view.loading ? (
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      ) : v ? (
        <>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label="考核单位">{hub.name}</Descriptions.Item>
              <Descriptions.Item label="规则版本">
                {v.isDefault ? <Tag>默认规则（尚未设置）</Tag> : `第 ${v.version} 版`}
              </Descriptions.Item>
              <Descriptions.Item label="更新时间">{formatTime(v.updatedAt)}</Descriptions.Item>
            </Descriptions>
            {!editable ? (
              <Typography.Text type="secondary">只有本单位主编或单位管理员可以修改积分规则。</Typography.Text>
            ) : null}
          </Card>
          <Form form={form} layout="vertical" disabled={!editable}>
            <Row gutter={16}>
              <Col xs={24} xl={12}>
                <Card title="刊物采用计分" style={{ marginBottom: 16 }}>
                  <Typography.Paragraph type="secondary">
                    按采用刊物计分：单篇采用得“单篇”分；综合采用每个署名单位得“综合”分。多家刊物采用的分值累加，合报单位平分。
                  </Typography.Paragraph>
                  <Form.List name="periodicals">
                    {(fields, { add, remove }) => (
                      <>
                        {fields.map((f) => (
                          <Row gutter={8} key={f.key} align="top">
                            <Col span={11}>
                              <Form.Item
                                name={[f.name, 'periodicalId']}
                                rules={[{ required: true, message: '请选择刊物' }]}
                              >
                                <Select
                                  placeholder="选择刊物"
                                  aria-label="计分刊物"
                                  loading={periodicals.loading}
                                  options={(periodicals.data ?? []).map((p) => ({
                                    value: p.id,
                                    label: p.label,
                                  }))}
                                />
                              </Form.Item>
                            </Col>
                            <Col span={5}>
                              <Form.Item
                                name={[f.name, 'single']}
                                rules={[{ required: true, message: '必填' }]}
                              >
                                <InputNumber
                                  min={0}
                                  prefix="单篇"
                                  suffix="分"
                                  style={{ width: '100%' }}
                                  aria-label="单篇分值"
                                />
                              </Form.Item>
                            </Col>
                            <Col span={5}>
                              <Form.Item
                                name={[f.name, 'combined']}
                                rules={[{ required: true, message: '必填' }]}
                              >
                                <InputNumber
                                  min={0}
                                  prefix="综合"
                                  suffix="分"
                                  style={{ width: '100%' }}
                                  aria-label="综合分值"
                                />
                              </Form.Item>
                            </Col>
                            <Col span={3}>
                              <Button
                                type="text"
                                danger
                                icon={<DeleteOutlined />}
                                onClick={() => remove(f.name)}
                                aria-label="删除该刊物"
                              />
                            </Col>
                          </Row>
                        ))}
                        <Button
                          type="dashed"
                          block
                          icon={<PlusOutlined />}
                          onClick={() => add({ single: 1, combined: 0.5 })}
                        >
                          添加计分刊物
                        </Button>
                      </>
                    )}
                  </Form.List>
                </Card>
                <Card title="转报采用倍数" style={{ marginBottom: 16 }}>
                  <Typography.Paragraph type="secondary">
                    本单位转报的稿件被上级刊物采用时，按采用刊物的级别乘以倍数（如省级×2、国家级×5）。
                  </Typography.Paragraph>
                  {levelInputs('forwardMultipliers', '倍', 0.5)}
                  <Form.Item
                    label="转报单位同时计分"
                    name="creditForwarders"
                    valuePropName="checked"
                    extra="开启后，转报稿件被采用时转报的汇总单位也计分"
                  >
                    <Switch />
                  </Form.Item>
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card title="领导批示加分" style={{ marginBottom: 16 }}>
                  {levelInputs('instructionBonus', '分')}
                </Card>
                <Card title="扣分与清零" style={{ marginBottom: 16 }}>
                  <Typography.Paragraph type="secondary">
                    紧急信息迟报、漏报、瞒报、误报的扣分（填负数）。
                  </Typography.Paragraph>
                  <Row gutter={12}>
                    {PENALTY_TYPES.map((t) => (
                      <Col span={6} key={t}>
                        <Form.Item
                          label={PENALTY_TYPE_LABELS[t]}
                          name={['penalties', t]}
                          rules={[{ required: true }]}
                        >
                          <InputNumber max={0} suffix="分" style={{ width: '100%' }} />
                        </Form.Item>
                      </Col>
                    ))}
                  </Row>
                  <Form.Item
                    label="约稿未报清零次数"
                    name="missedSolicitationsZeroAt"
                    extra="全年约稿未报达到该次数，年度积分清零；0 表示不启用"
                  >
                    <InputNumber min={0} max={100} suffix="次" style={{ width: 160 }} />
                  </Form.Item>
                </Card>
                <Card title="采用奖励标准" style={{ marginBottom: 16 }}>
                  <Typography.Paragraph type="secondary">
                    每篇被采用的稿件按采用刊物级别奖励撰稿人（元）。
                  </Typography.Paragraph>
                  {levelInputs('rewards', '元', 10)}
                </Card>
              </Col>
            </Row>
          </Form>
        </>
      ) : null}
    </PageContainer>
  );
}
