import { Form, Input, Modal, Typography } from 'antd';
import { useState, type ReactNode } from 'react';

export type ActionValues = Record<string, unknown>;

export interface ActionSpec {
  key: string;
  title: string;
  okText: string;
  danger?: boolean;
  intro?: ReactNode;
  /** The free-text field: an opinion (审核意见), a reason (退回/退稿 理由) or a comment. */
  text?: { name: 'opinion' | 'reason' | 'comment'; label: string; required: boolean; placeholder?: string };
  /** Further form items (targets, periodical …). */
  fields?: ReactNode;
  initialValues?: ActionValues;
  run(values: ActionValues): Promise<void>;
}

/** One dialog for every state change that needs confirmation and/or a written reason. */
export function ActionModal({ spec, onClose }: { spec: ActionSpec | null; onClose(): void }) {
  const [form] = Form.useForm<ActionValues>();
  const [busy, setBusy] = useState(false);

  const ok = async () => {
    if (!spec) return;
    let values: ActionValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      await spec.run(values);
      onClose();
    } catch {
      // the caller already showed the server's message; keep the dialog and what was typed
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={spec !== null}
      title={spec?.title}
      okText={spec?.okText}
      cancelText="取消"
      okButtonProps={{ danger: spec?.danger ?? false, loading: busy }}
      onOk={() => void ok()}
      onCancel={onClose}
      destroyOnHidden
      forceRender
    >
      {spec?.intro ? <Typography.Paragraph type="secondary">{spec.intro}</Typography.Paragraph> : null}
      <Form
        form={form}
        key={spec?.key}
        layout="vertical"
        preserve={false}
        initialValues={spec?.initialValues}
      >
        {spec?.fields}
        {spec?.text ? (
          <Form.Item
            label={spec.text.label}
            name={spec.text.name}
            rules={
              spec.text.required
                ? [{ required: true, whitespace: true, message: `请填写${spec.text.label}` }]
                : []
            }
          >
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={spec.text.placeholder} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
