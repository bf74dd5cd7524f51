import { CheckOutlined, EditOutlined, SendOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import {
  TASK_STATUS_COLORS,
  type InstructionView,
  type TargetInstructions,
  type TaskView,
} from '../api/instructions';
import { formatTime, useErrorHandler, useLoad } from '../hooks';

export type InstructionTarget =
  { itemId: string } | { issueId: string; entries: { id: string; title: string }[] };

/** A follow-up task's status and the unit's answer; the answer button when the server allows it. */
export function TaskLine({ task, onAnswer }: { task: TaskView; onAnswer?: (t: TaskView) => void }) {
  return (
    <div className="zx-task" data-testid="follow-up-task">
      <Space wrap size={6}>
        <Typography.Text strong>{task.orgName}</Typography.Text>
        <Tag color={TASK_STATUS_COLORS[task.status]}>{task.statusLabel}</Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          反馈期限 {formatTime(task.dueAt)}
        </Typography.Text>
        {task.abilities.answer && onAnswer ? (
          <Button size="small" type="primary" onClick={() => onAnswer(task)}>
            填写落实反馈
          </Button>
        ) : null}
      </Space>
      {task.answer ? (
        <div style={{ marginTop: 4, whiteSpace: 'pre-wrap' }} data-testid="follow-up-answer">
          {task.answer}
          <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
            （{task.answeredByName}，{formatTime(task.answeredAt)}）
          </Typography.Text>
        </div>
      ) : null}
    </div>
  );
}

/** One instruction: who, when, on what, the text, and what it led to. */
export function InstructionCard({
  ins,
  showTarget = false,
  onAnswer,
}: {
  ins: InstructionView;
  showTarget?: boolean;
  onAnswer?: (t: TaskView) => void;
}) {
  const t = ins.target;
  return (
    <div className="zx-instruction" data-testid="instruction">
      <Space wrap size={6} style={{ marginBottom: 4 }}>
        <Tag color="red">{ins.leaderLevelLabel}领导批示</Tag>
        <Typography.Text strong>
          {ins.leaderOrgName} {ins.leaderName}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatTime(ins.createdAt)}
        </Typography.Text>
      </Space>
      {showTarget ? (
        <div style={{ fontSize: 13, marginBottom: 4 }}>
          {t.kind === 'item' && t.itemId ? (
            <Link to={`/items/${t.itemId}`}>{t.itemTitle}</Link>
          ) : t.issueId ? (
            <Link to={`/issues/${t.issueId}`}>
              {t.issueLabel}
              {t.entryTitle ? `·${t.entryTitle}` : ''}
            </Link>
          ) : null}
        </div>
      ) : t.kind === 'issue' ? (
        <div style={{ fontSize: 12, color: '#6b7280' }}>
          批示于 {t.issueLabel}
          {t.entryTitle ? `·${t.entryTitle}` : '（全期）'}
        </div>
      ) : null}
      <div className="zx-instruction-text">{ins.text}</div>
      {ins.followUp ? (
        <div style={{ fontSize: 13, color: '#6b7280', margin: '4px 0' }}>
          落实要求：{ins.followUp.requirement}（{formatTime(ins.followUp.dueAt)}前反馈）
        </div>
      ) : null}
      {ins.tasks.map((task) => (
        <TaskLine key={task.id} task={task} onAnswer={onAnswer} />
      ))}
    </div>
  );
}

/** The answer form of a follow-up task; irreversible, so it asks for confirmation. */
export function AnswerModal({
  task,
  onClose,
  onDone,
}: {
  task: TaskView | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<{ answer: string }>();
  const [saving, setSaving] = useState(false);
  const onError = useErrorHandler();
  const { message, modal } = App.useApp();
  const submit = async () => {
    const v = await form.validateFields();
    const ok = await modal.confirm({
      title: '提交落实反馈',
      content: '反馈提交后不能修改，领导和上级单位将看到反馈内容。确定提交吗？',
      okText: '提交',
      cancelText: '取消',
    });
    if (!ok || !task) return;
    setSaving(true);
    try {
      await api.post(`/api/follow-ups/${task.id}/answer`, { answer: v.answer, rowVersion: task.rowVersion });
      void message.success('已提交落实反馈');
      form.resetFields();
      onDone();
    } catch (e) {
      onError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={task !== null}
      title="填写落实反馈"
      okText="提交反馈"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="answer"
          label="落实情况"
          rules={[{ required: true, whitespace: true, message: '请填写落实情况' }]}
        >
          <Input.TextArea rows={6} maxLength={5000} showCount placeholder="写明采取的措施、进展和成效" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface InstructValues {
  text: string;
  leaderOrgId?: string;
  entryId?: string;
  followUp: boolean;
  days?: number;
  requirement?: string;
}

/**
 * 领导批示 on an item page or an issue: the instructions and their follow-ups; the 批示 form for a leader,
 * 呈送领导批示 for the hub's editors, 已阅 for a flagged leader — each shown only when the server allows it.
 */
export function InstructionsPanel({ target }: { target: InstructionTarget }) {
  const url =
    'itemId' in target
      ? `/api/items/${target.itemId}/instructions`
      : `/api/issues/${target.issueId}/instructions`;
  const data = useLoad(() => api.get<TargetInstructions>(url), [url]);
  const [instructing, setInstructing] = useState(false);
  const [flagging, setFlagging] = useState(false);
  const [answering, setAnswering] = useState<TaskView | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<InstructValues>();
  const [flagForm] = Form.useForm<{ leaderIds: string[]; note?: string }>();
  const onError = useErrorHandler();
  const { message } = App.useApp();
  const d = data.data;
  const targetBody = 'itemId' in target ? { itemId: target.itemId } : { issueId: target.issueId };
  const followUp = Form.useWatch('followUp', form);

  const instruct = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await api.post('/api/instructions', {
        ...targetBody,
        ...('issueId' in target && v.entryId ? { entryId: v.entryId } : {}),
        text: v.text,
        leaderOrgId: v.leaderOrgId ?? null,
        followUp: v.followUp ? { days: v.days ?? 5, requirement: v.requirement || null } : null,
      });
      void message.success('批示已发出');
      setInstructing(false);
      form.resetFields();
      data.reload();
    } catch (e) {
      onError(e);
    } finally {
      setSaving(false);
    }
  };
  const flag = async () => {
    const v = await flagForm.validateFields();
    setSaving(true);
    try {
      const r = await api.post<{ created: number; skipped: number }>('/api/instruction-flags', {
        ...targetBody,
        leaderIds: v.leaderIds,
        note: v.note || null,
      });
      void message.success(r.created ? `已呈送${r.created}位领导批示` : '所选领导已在待批示中');
      setFlagging(false);
      flagForm.resetFields();
      data.reload();
    } catch (e) {
      onError(e);
    } finally {
      setSaving(false);
    }
  };
  const markRead = async () => {
    if (!d?.openFlagId) return;
    try {
      await api.post('/api/instructions/desk/read', { flagId: d.openFlagId });
      void message.success('已标记为已阅');
      data.reload();
    } catch (e) {
      onError(e);
    }
  };

  if (!d) return data.loading ? <Card title="领导批示" loading /> : null;
  if (d.rows.length === 0 && !d.abilities.instruct && !d.abilities.flag) return null;
  return (
    <Card
      title="领导批示"
      data-testid="instructions-panel"
      style={{ marginBottom: 16 }}
      extra={
        <Space wrap>
          {d.abilities.flag ? (
            <Button icon={<SendOutlined />} onClick={() => setFlagging(true)}>
              呈送领导批示
            </Button>
          ) : null}
          {d.openFlagId ? (
            <Button icon={<CheckOutlined />} onClick={() => void markRead()}>
              已阅
            </Button>
          ) : null}
          {d.abilities.instruct ? (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setInstructing(true)}>
              批示
            </Button>
          ) : null}
        </Space>
      }
    >
      {d.rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无领导批示" />
      ) : (
        d.rows.map((ins) => <InstructionCard key={ins.id} ins={ins} onAnswer={setAnswering} />)
      )}
      <Modal
        open={instructing}
        title="领导批示"
        okText="发出批示"
        cancelText="取消"
        confirmLoading={saving}
        onOk={() => void instruct()}
        onCancel={() => setInstructing(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ followUp: true, days: 5 }} preserve={false}>
          {d.leaderOffices.length > 1 ? (
            <Form.Item
              name="leaderOrgId"
              label="以哪个单位领导身份批示"
              initialValue={d.leaderOffices[0]?.orgId}
            >
              <Select options={d.leaderOffices.map((o) => ({ value: o.orgId, label: o.name }))} />
            </Form.Item>
          ) : null}
          {'issueId' in target && target.entries.length > 0 ? (
            <Form.Item name="entryId" label="批示对象">
              <Select
                allowClear
                placeholder="全期"
                options={target.entries.map((e) => ({ value: e.id, label: e.title }))}
              />
            </Form.Item>
          ) : null}
          <Form.Item
            name="text"
            label="批示内容"
            rules={[{ required: true, whitespace: true, message: '请填写批示内容' }]}
          >
            <Input.TextArea
              rows={4}
              maxLength={2000}
              showCount
              placeholder="如：此经验做法很好，请在全市推广。"
            />
          </Form.Item>
          <Form.Item name="followUp" label="要求承办单位反馈落实情况" valuePropName="checked">
            <Switch />
          </Form.Item>
          {followUp ? (
            <>
              <Form.Item
                name="days"
                label="反馈期限（天）"
                extra="暂按自然日计算，不扣除节假日。"
                rules={[{ required: true, message: '请填写反馈期限' }]}
              >
                <InputNumber min={1} max={90} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="requirement" label="落实要求">
                <Input placeholder="默认：请抓好落实并反馈落实情况" maxLength={500} />
              </Form.Item>
            </>
          ) : null}
        </Form>
      </Modal>
      <Modal
        open={flagging}
        title="呈送领导批示"
        okText="呈送"
        cancelText="取消"
        confirmLoading={saving}
        onOk={() => void flag()}
        onCancel={() => setFlagging(false)}
        destroyOnHidden
      >
        {d.flagTo && d.flagTo.leaders.length ? (
          <Form form={flagForm} layout="vertical" preserve={false}>
            <Form.Item name="leaderIds" label="呈送领导" rules={[{ required: true, message: '请选择领导' }]}>
              <Checkbox.Group
                options={d.flagTo.leaders.map((l) => ({ value: l.id, label: l.displayName }))}
              />
            </Form.Item>
            <Form.Item name="note" label="呈阅说明">
              <Input.TextArea rows={3} maxLength={500} placeholder="如：经验做法较好，呈请阅示。" />
            </Form.Item>
          </Form>
        ) : (
          <Empty description="本单位尚未设置领导账号" />
        )}
      </Modal>
      <AnswerModal
        task={answering}
        onClose={() => setAnswering(null)}
        onDone={() => {
          setAnswering(null);
          data.reload();
        }}
      />
    </Card>
  );
}
