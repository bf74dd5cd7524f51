import { ExclamationCircleOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  Popconfirm,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useBlocker, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import { loadOrgs, type OrgNode } from '../api/orgs';
import type { ItemDetail, ItemTransition, OrgRef } from '../api/types';
import { unitsWithRole, useMe } from '../auth/AuthContext';
import { RichTextEditor } from '../components/RichTextEditor';
import { useErrorHandler, useLoad } from '../hooks';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  DISCLOSURES,
  DISCLOSURE_LABELS,
  REPORT_STAGES,
  REPORT_STAGE_LABELS,
  URGENCIES,
  URGENCY_LABELS,
} from '../labels';
import { PageContainer } from '../layout/PageContainer';
import dayjs from 'dayjs';
import { TITLE_MAX } from '../../server/modules/items/domain/catalog';
import type { Category, Disclosure, ReportStage, Urgency } from '../../server/modules/items/domain/catalog';

/** The server's autosave (GET /api/autosaves/:target). */
interface AutosaveView {
  target: string;
  baseRowVersion: number | null;
  title: string;
  bodyHtml: string;
  fields: Record<string, unknown>;
  savedAt: string;
}

interface MetaForm {
  orgId: string;
  title: string;
  category: Category;
  urgency: Urgency;
  disclosure: Disclosure;
  reportStage?: ReportStage | null;
  targetOrgIds: string[];
  coReporterOrgIds: string[];
  note?: string;
}

/** 写稿 / 修改: a new draft, or a new version of a draft or of an item sent back for revision. */
export default function ItemEditorPage() {
  const { id } = useParams<{ id: string }>();
  const me = useMe();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const onError = useErrorHandler();
  const [form] = Form.useForm<MetaForm>();
  const writerUnits = unitsWithRole(me, ['writer']);
  const detail = useLoad(() => (id ? api.get<ItemDetail>(`/api/items/${id}`) : Promise.resolve(null)), [id]);
  const [bodyHtml, setBodyHtml] = useState('');
  const [bodyText, setBodyText] = useState('');
  const [rowVersion, setRowVersion] = useState<number | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [stale, setStale] = useState<string | null>(null);
  const [bodyError, setBodyError] = useState<string | null>(null);
  const initialised = useRef(false);
  /** Every edit bumps editSeq; savedSeq is the last edit the server has (autosave or item save). */
  const [editSeq, setEditSeq] = useState(0);
  const [savedSeq, setSavedSeq] = useState(0);
  const [autoSavedAt, setAutoSavedAt] = useState<string | null>(null);
  const [autosaveError, setAutosaveError] = useState<string | null>(null);
  const [offer, setOffer] = useState<AutosaveView | null>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const leaving = useRef(false);
  const target = id ?? 'new';
  const edited = () => setEditSeq((n) => n + 1);
  /** The editor mounts once the text it edits is known, so it is created with that content. */
  const [bodyReady, setBodyReady] = useState(!id);
  const orgId = Form.useWatch('orgId', form) ?? detail.data?.org?.id ?? writerUnits[0]?.id;
  const category = Form.useWatch('category', form);

  const targets = useLoad(
    () => (orgId ? api.get<OrgRef[]>(`/api/orgs/${orgId}/targets`) : Promise.resolve([] as OrgRef[])),
    [orgId],
  );
  const orgs = useLoad(() => loadOrgs(), []);

  // Fill the form once from the loaded item.
  useEffect(() => {
    const d = detail.data;
    if (!d || initialised.current) return;
    initialised.current = true;
    form.setFieldsValue({
      orgId: d.org?.id,
      title: d.content?.title ?? d.title,
      category: d.category,
      urgency: d.urgency,
      disclosure: d.disclosure,
      reportStage: d.reportStage,
      targetOrgIds: d.targetOrgIds,
      coReporterOrgIds: d.coReporters.map((c) => c.id),
    });
    setBodyHtml(d.content?.bodyHtml ?? '');
    setBodyText(d.content?.bodyText ?? '');
    setRowVersion(d.rowVersion);
    setBodyReady(true);
  }, [detail.data, form]);

  // A new draft goes to the only allowed target by default.
  useEffect(() => {
    const t = targets.data;
    if (!id && t && t.length > 0 && !(form.getFieldValue('targetOrgIds') as string[] | undefined)?.length)
      form.setFieldValue('targetOrgIds', [t[0]!.id]);
  }, [targets.data, id, form]);

  const canEditNow = !id || (detail.data?.abilities.edit ?? false);
  const unsaved = canEditNow && editSeq > savedSeq;

  // An autosave from an earlier visit (a reload, a crash, a closed tab) newer than the item: offer it.
  const offered = useRef(false);
  useEffect(() => {
    if (offered.current || (id && !detail.data)) return;
    offered.current = true;
    api
      .get<AutosaveView>(`/api/autosaves/${target}`)
      .then((a) => {
        const itemTime = detail.data?.updatedAt ? Date.parse(detail.data.updatedAt) : 0;
        if (!id || Date.parse(a.savedAt) > itemTime) setOffer(a);
      })
      .catch(() => undefined);
  }, [id, target, detail.data]);

  // Autosave a moment after typing stops: the whole form, with the version it was edited from.
  useEffect(() => {
    if (editSeq <= savedSeq || !canEditNow || offer) return;
    const seq = editSeq;
    const timer = window.setTimeout(() => {
      const v = form.getFieldsValue(true) as MetaForm;
      const fields = JSON.parse(JSON.stringify({ ...v, title: undefined })) as Record<string, unknown>;
      api
        .put<{ savedAt: string }>(`/api/autosaves/${target}`, {
          baseRowVersion: rowVersion,
          title: v.title ?? '',
          bodyHtml,
          fields,
        })
        .then((r) => {
          setSavedSeq((n) => Math.max(n, seq));
          setAutoSavedAt(r.savedAt);
          setAutosaveError(null);
        })
        .catch((e: unknown) => setAutosaveError(e instanceof ApiError ? e.message : '自动保存失败'));
    }, 1500);
    return () => window.clearTimeout(timer);
  }, [editSeq, savedSeq, canEditNow, offer, form, target, rowVersion, bodyHtml]);

  // Warn before leaving only while some text is not yet on the server.
  useEffect(() => {
    if (!unsaved) return;
    const h = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [unsaved]);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      unsaved && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    modal.confirm({
      title: '有尚未保存的内容',
      content: '刚才输入的内容还没有保存到服务器，离开本页将会丢失。确定离开吗？',
      okText: '离开',
      cancelText: '留在本页',
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
  }, [blocker, modal]);

  const restore = (a: AutosaveView) => {
    form.setFieldsValue({ ...(a.fields as Partial<MetaForm>), title: a.title });
    setBodyHtml(a.bodyHtml);
    setBodyText(a.bodyHtml.replace(/<[^>]+>/g, ''));
    setDirty(true);
    setOffer(null);
    void message.success('已恢复自动保存的内容，请检查后保存');
  };
  const discard = () => {
    setOffer(null);
    void api.delete(`/api/autosaves/${target}`).catch(() => undefined);
  };

  const coReporterOptions = useMemo(() => {
    const list: OrgNode[] = orgs.data ?? [];
    return list.filter((o) => o.id !== orgId && !o.isHub).map((o) => ({ value: o.id, label: o.name }));
  }, [orgs.data, orgId]);

  const canEdit = canEditNow;

  /** The item save also clears the autosave on the server. */
  const markSaved = () => {
    setSavedSeq(editSeq);
    setAutoSavedAt(null);
  };
  const missingCaptions = (bodyHtml.match(/<figcaption>\s*<\/figcaption>/g) ?? []).length;

  /** Saves and returns the item id; null when validation failed or the server refused. */
  const save = async (): Promise<string | null> => {
    let v: MetaForm;
    try {
      v = await form.validateFields();
    } catch {
      return null;
    }
    if (!bodyText.trim()) {
      setBodyError('请填写正文');
      return null;
    }
    if (missingCaptions > 0) {
      setBodyError(`有${missingCaptions}张图片没有图注，请在图片下方填写图注`);
      return null;
    }
    setBodyError(null);
    const meta = {
      title: v.title,
      bodyHtml,
      category: v.category,
      urgency: v.urgency,
      disclosure: v.disclosure,
      reportStage: v.category === 'emergency' ? (v.reportStage ?? null) : null,
      targetOrgIds: v.targetOrgIds ?? [],
      coReporterOrgIds: v.coReporterOrgIds ?? [],
    };
    try {
      if (!id) {
        const created = await api.post<ItemDetail>('/api/items', { orgId: v.orgId, ...meta });
        setDirty(false);
        markSaved();
        setRowVersion(created.rowVersion);
        return created.id;
      }
      if (!dirty) {
        markSaved();
        return id;
      }
      const updated = await api.put<ItemTransition>(`/api/items/${id}`, {
        ...meta,
        rowVersion,
        note: v.note?.trim() || null,
      });
      setRowVersion(updated.rowVersion);
      setDirty(false);
      markSaved();
      setStale(null);
      form.setFieldValue('note', '');
      return id;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'stale_version') {
        setStale(e.message);
        modal.warning({
          title: '稿件已被他人修改',
          content: `${e.message}。您的修改仍保留在编辑器中，尚未保存；可先复制正文，或选择“以我的修改覆盖保存”生成新版本（原版本仍可在版本记录中查看）。`,
        });
        return null;
      }
      if (e instanceof ApiError && e.details && typeof e.details.field === 'string') {
        const f = e.details.field;
        // Shown once, at the field it concerns; a toast as well would say it twice.
        if (f === 'bodyHtml') {
          setBodyError(e.message);
          return null;
        }
        if (['title', 'targetOrgIds', 'coReporterOrgIds'].includes(f)) {
          form.setFields([{ name: f as keyof MetaForm, errors: [e.message] }]);
          return null;
        }
      }
      onError(e);
      return null;
    }
  };

  const onSave = async () => {
    setBusy('save');
    const savedId = await save();
    setBusy(null);
    if (savedId) {
      void message.success('草稿已保存');
      leaving.current = true;
      if (!id) navigate(`/items/${savedId}/edit`, { replace: true });
      leaving.current = false;
    }
  };

  const onSubmit = async () => {
    setBusy('submit');
    try {
      const savedId = await save();
      if (!savedId) return;
      await api.post(`/api/items/${savedId}/submit`, {});
      setDirty(false);
      leaving.current = true;
      void message.success('已提交审核');
      navigate(`/items/${savedId}`, { replace: true });
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  /** After a 409: take the latest row version and save the writer's text on top of it, as a new version. */
  const overwrite = async () => {
    if (!id) return;
    try {
      const latest = await api.get<ItemDetail>(`/api/items/${id}`);
      setRowVersion(latest.rowVersion);
      setStale(null);
      setBusy('save');
      const v = await form.validateFields();
      const updated = await api.put<ItemTransition>(`/api/items/${id}`, {
        rowVersion: latest.rowVersion,
        title: v.title,
        bodyHtml,
        category: v.category,
        urgency: v.urgency,
        disclosure: v.disclosure,
        reportStage: v.category === 'emergency' ? (v.reportStage ?? null) : null,
        targetOrgIds: v.targetOrgIds ?? [],
        coReporterOrgIds: v.coReporterOrgIds ?? [],
        note: v.note?.trim() || '覆盖他人同时进行的修改',
      });
      setRowVersion(updated.rowVersion);
      setDirty(false);
      void message.success('已保存为新版本');
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  if (!id && writerUnits.length === 0)
    return (
      <PageContainer title="撰写信息">
        <Result status="403" title="无写稿权限" subTitle="只有信息员可以撰写信息稿件。" />
      </PageContainer>
    );

  const title = id ? '修改稿件' : '撰写信息';
  const crumbs = id
    ? [
        { title: '我的稿件', to: '/my' },
        { title: detail.data?.title ?? '稿件', to: `/items/${id}` },
        { title: '修改' },
      ]
    : [{ title: '信息报送' }, { title: '撰写信息' }];

  if (id && detail.loading && !detail.data)
    return (
      <PageContainer title={title} crumbs={crumbs}>
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      </PageContainer>
    );
  if (id && detail.error)
    return (
      <PageContainer title={title} crumbs={crumbs}>
        <Result status="warning" title={detail.error.message} />
      </PageContainer>
    );

  const d = detail.data;
  const returned = d?.hops.find((h) => h.state === 'returned' && h.lastReason);
  const lastReturnOpinion = d
    ? [...d.timeline].reverse().find((e) => e.action === 'return' && e.toState === d.state)
    : undefined;

  return (
    <PageContainer
      title={title}
      crumbs={crumbs}
      extra={
        <Space>
          <Button onClick={() => navigate(id ? `/items/${id}` : '/my')}>{id ? '返回详情' : '取消'}</Button>
          <Button
            icon={<SaveOutlined />}
            onClick={() => void onSave()}
            loading={busy === 'save'}
            disabled={!canEdit || busy !== null}
          >
            保存草稿
          </Button>
          <Popconfirm
            title="提交审核"
            description="提交后稿件将进入本单位审核流程，审核期间不能修改。确定提交？"
            okText="提交"
            cancelText="取消"
            onConfirm={() => void onSubmit()}
            disabled={!canEdit || busy !== null}
          >
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={busy === 'submit'}
              disabled={!canEdit || busy !== null}
            >
              提交审核
            </Button>
          </Popconfirm>
        </Space>
      }
    >
      {id && d && !canEdit ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`该稿件当前状态为「${d.stateLabel}」，您不能修改。`}
        />
      ) : null}
      {returned ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={`${returned.toOrgName} 退回修改`}
          description={`退回理由：${returned.lastReason ?? ''}。修改后须经本单位审核、签发，再重新报送。`}
        />
      ) : lastReturnOpinion?.comment ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`${lastReturnOpinion.actorName} 退回修改`}
          description={`意见：${lastReturnOpinion.comment}`}
        />
      ) : null}
      {offer ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="autosave-offer"
          title={`发现 ${dayjs(offer.savedAt).format('M月D日 HH:mm:ss')} 自动保存的未保存内容${offer.title ? `（标题：${offer.title}）` : ''}`}
          description="可能是上次编辑时刷新页面、关闭窗口或浏览器异常退出。恢复后请检查并保存。"
          action={
            <Space direction="vertical" size={4}>
              <Button size="small" type="primary" onClick={() => restore(offer)}>
                恢复
              </Button>
              <Popconfirm
                title="放弃自动保存的内容？"
                description="放弃后无法找回。"
                okText="放弃"
                cancelText="取消"
                onConfirm={discard}
              >
                <Button size="small">放弃</Button>
              </Popconfirm>
            </Space>
          }
        />
      ) : null}
      {stale ? (
        <Alert
          type="error"
          showIcon
          icon={<ExclamationCircleOutlined />}
          style={{ marginBottom: 16 }}
          title="保存失败：版本冲突"
          description={
            <div>
              <div data-testid="stale-warning">{stale}。您的修改尚未保存，仍在下方编辑器中。</div>
              <Space style={{ marginTop: 8 }}>
                <Button size="small" onClick={() => window.open(`/items/${id}`, '_blank', 'noopener')}>
                  在新窗口查看最新版本
                </Button>
                <Popconfirm
                  title="以我的修改覆盖保存？"
                  description="将在最新版本基础上保存您的内容，生成新版本；被覆盖的版本仍保留在版本记录中。"
                  onConfirm={() => void overwrite()}
                  okText="覆盖保存"
                  cancelText="取消"
                >
                  <Button size="small" danger>
                    以我的修改覆盖保存
                  </Button>
                </Popconfirm>
              </Space>
            </div>
          }
        />
      ) : null}
      <Form<MetaForm>
        form={form}
        layout="vertical"
        disabled={!canEdit}
        initialValues={{
          orgId: writerUnits[0]?.id,
          category: 'dynamic',
          urgency: 'normal',
          disclosure: 'internal',
          targetOrgIds: [],
          coReporterOrgIds: [],
        }}
        onValuesChange={() => {
          setDirty(true);
          edited();
        }}
      >
        <Row gutter={16}>
          <Col xs={24} xl={17}>
            <Card>
              <Form.Item
                label="标题"
                name="title"
                rules={[
                  { required: true, whitespace: true, message: '请填写标题' },
                  {
                    max: TITLE_MAX,
                    message: `标题不能超过${TITLE_MAX}个字，请精简（超出部分不会被自动截去）`,
                  },
                ]}
              >
                {/* count.max shows the overflow in red instead of silently cutting pasted text. */}
                <Input
                  count={{ show: true, max: TITLE_MAX }}
                  placeholder="标题应简明扼要，直接概括主要事实，如：××街道“三个一”机制破解老旧小区治理难题"
                  size="large"
                />
              </Form.Item>
              <Form.Item
                label="正文"
                required
                validateStatus={bodyError ? 'error' : undefined}
                help={
                  bodyError ?? '导语交代时间、地点、主体和事件；段落简短，多用数据说话。涉密信息严禁录入。'
                }
                htmlFor="item-body"
              >
                {bodyReady ? (
                  <RichTextEditor
                    id="item-body"
                    value={bodyHtml}
                    disabled={!canEdit}
                    onNotice={(kind, text) => {
                      if (kind === 'warning') {
                        setRefused((r) => [...r, text]);
                        void message.warning({ content: text, duration: 8 });
                      } else void message.info(text);
                    }}
                    onChange={(html, text) => {
                      setBodyHtml(html);
                      setBodyText(text);
                      setDirty(true);
                      edited();
                      if (text.trim()) setBodyError(null);
                    }}
                  />
                ) : (
                  <Skeleton active paragraph={{ rows: 8 }} />
                )}
              </Form.Item>
              {refused.length > 0 ? (
                <Alert
                  type="warning"
                  showIcon
                  closable={{ onClose: () => setRefused([]) }}
                  style={{ margin: '8px 0' }}
                  data-testid="refused-images"
                  title="部分图片未能插入"
                  description={
                    <ul style={{ margin: 0, paddingLeft: 18 }}>
                      {refused.map((r, i) => (
                        <li key={i}>{r}</li>
                      ))}
                    </ul>
                  }
                />
              ) : null}
              {missingCaptions > 0 ? (
                <Alert
                  type="info"
                  showIcon
                  style={{ margin: '8px 0' }}
                  title={`有${missingCaptions}张图片尚未填写图注：请点击图片下方的虚线处填写（如“图为××现场”）`}
                />
              ) : null}
              <Space wrap size={16}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  正文 {bodyText.replace(/\s/g, '').length} 字
                </Typography.Text>
                <Typography.Text
                  type={autosaveError ? 'danger' : 'secondary'}
                  style={{ fontSize: 12 }}
                  data-testid="autosave-status"
                >
                  {autosaveError
                    ? `自动保存失败：${autosaveError}`
                    : unsaved
                      ? '有未保存的修改'
                      : autoSavedAt
                        ? `已自动保存 ${dayjs(autoSavedAt).format('HH:mm:ss')}`
                        : ''}
                </Typography.Text>
              </Space>
            </Card>
          </Col>
          <Col xs={24} xl={7}>
            <Card title="稿件属性">
              <Form.Item
                label="报送单位（本单位）"
                name="orgId"
                rules={[{ required: true, message: '请选择单位' }]}
              >
                <Select
                  disabled={Boolean(id) || writerUnits.length < 2}
                  options={(id && d?.org ? [{ id: d.org.id, name: d.org.name }] : writerUnits).map((u) => ({
                    value: u.id,
                    label: u.name,
                  }))}
                />
              </Form.Item>
              <Form.Item label="信息类别" name="category" rules={[{ required: true, message: '请选择类别' }]}>
                <Select options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))} />
              </Form.Item>
              {category === 'emergency' ? (
                <Form.Item
                  label="报送阶段"
                  name="reportStage"
                  rules={[{ required: true, message: '紧急信息请选择首报/续报/终报' }]}
                >
                  <Select options={REPORT_STAGES.map((s) => ({ value: s, label: REPORT_STAGE_LABELS[s] }))} />
                </Form.Item>
              ) : null}
              <Form.Item label="紧急程度" name="urgency" rules={[{ required: true }]}>
                <Select options={URGENCIES.map((u) => ({ value: u, label: URGENCY_LABELS[u] }))} />
              </Form.Item>
              <Form.Item label="公开属性" name="disclosure" rules={[{ required: true }]}>
                <Select options={DISCLOSURES.map((x) => ({ value: x, label: DISCLOSURE_LABELS[x] }))} />
              </Form.Item>
              <Form.Item
                label="报送至"
                name="targetOrgIds"
                extra="只能报送上一级信息汇总单位（直报点除外），不得越级投报"
                rules={[{ required: true, type: 'array', min: 1, message: '请选择报送单位' }]}
              >
                <Select
                  mode="multiple"
                  loading={targets.loading}
                  placeholder={targets.data?.length === 0 ? '本单位没有可报送的上级单位' : '请选择'}
                  options={(targets.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                  notFoundContent="无可报送的上级单位"
                />
              </Form.Item>
              <Form.Item
                label="合报单位"
                name="coReporterOrgIds"
                extra="联合报送的其他单位，积分由各单位平分"
              >
                <Select
                  mode="multiple"
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  loading={orgs.loading}
                  placeholder={orgs.data === null ? '单位列表暂不可用' : '可选，输入单位名称搜索'}
                  disabled={!canEdit || orgs.data === null}
                  options={coReporterOptions}
                />
              </Form.Item>
              {id ? (
                <Form.Item label="修改说明" name="note">
                  <Input.TextArea rows={2} maxLength={500} placeholder="可选，例如：按审核意见补充数据" />
                </Form.Item>
              ) : null}
            </Card>
          </Col>
        </Row>
      </Form>
    </PageContainer>
  );
}
