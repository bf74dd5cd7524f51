import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, List, Space, Tag } from 'antd';
import type { InstructionView } from '../../api/instructions';
import { InstructionCard } from '../../components/InstructionsPanel';
import { useKeysetList } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';

function summary(ins: InstructionView) {
  if (!ins.followUp) return <Tag>未要求反馈</Tag>;
  const answered = ins.tasks.filter((t) => t.state === 'answered').length;
  const overdue = ins.tasks.filter((t) => t.status === 'overdue').length;
  return (
    <Space size={4} wrap>
      <Tag color={answered === ins.tasks.length ? 'green' : 'blue'}>
        已反馈 {answered}/{ins.tasks.length}
      </Tag>
      {overdue ? <Tag color="red">逾期未反馈 {overdue}</Tag> : null}
    </Space>
  );
}

/** 我的批示: what each of the leader's instructions led to — follow-up status, answers, overdue tasks. */
export default function MyInstructionsPage() {
  const list = useKeysetList<InstructionView>('/api/instructions/mine', { limit: 20 });
  return (
    <PageContainer
      title="我的批示"
      crumbs={[{ title: '领导批示' }, { title: '我的批示' }]}
      extra={<Button icon={<ReloadOutlined />} onClick={list.reload} aria-label="刷新" />}
    >
      <Card>
        <List<InstructionView>
          loading={list.loading}
          dataSource={list.rows}
          locale={{ emptyText: <Empty description="您还没有作出批示" /> }}
          loadMore={
            list.hasMore ? (
              <div style={{ textAlign: 'center', marginTop: 12 }}>
                <Button loading={list.loadingMore} onClick={() => void list.loadMore()}>
                  加载更多
                </Button>
              </div>
            ) : null
          }
          renderItem={(ins) => (
            <List.Item data-testid="my-instruction" extra={summary(ins)} style={{ flexWrap: 'wrap' }}>
              <InstructionCard ins={ins} showTarget />
            </List.Item>
          )}
        />
      </Card>
    </PageContainer>
  );
}
