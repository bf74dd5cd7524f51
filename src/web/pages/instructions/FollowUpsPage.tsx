import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, List, Segmented, Space } from 'antd';
import { useState } from 'react';
import type { FollowUpRow, TaskView } from '../../api/instructions';
import { AnswerModal, InstructionCard } from '../../components/InstructionsPanel';
import { useKeysetList } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';

/** 落实反馈: the leader instructions the unit must act on, with the answer form. */
export default function FollowUpsPage() {
  const [state, setState] = useState<'open' | 'answered' | 'all'>('open');
  const list = useKeysetList<FollowUpRow>('/api/follow-ups', {
    state: state === 'all' ? undefined : state,
    limit: 20,
  });
  const [answering, setAnswering] = useState<TaskView | null>(null);
  return (
    <PageContainer
      title="落实反馈"
      crumbs={[{ title: '信息报送' }, { title: '落实反馈' }]}
      extra={
        <Space wrap>
          <Segmented<'open' | 'answered' | 'all'>
            value={state}
            onChange={setState}
            options={[
              { value: 'open', label: '待反馈' },
              { value: 'answered', label: '已反馈' },
              { value: 'all', label: '全部' },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label="刷新" />
        </Space>
      }
    >
      <Card>
        <List<FollowUpRow>
          loading={list.loading}
          dataSource={list.rows}
          locale={{
            emptyText: <Empty description={state === 'open' ? '暂无待反馈的领导批示' : '暂无记录'} />,
          }}
          loadMore={
            list.hasMore ? (
              <div style={{ textAlign: 'center', marginTop: 12 }}>
                <Button loading={list.loadingMore} onClick={() => void list.loadMore()}>
                  加载更多
                </Button>
              </div>
            ) : null
          }
          renderItem={(r) => {
            const { instruction, ...task } = r;
            return (
              <List.Item data-testid="follow-up-row">
                <InstructionCard ins={{ ...instruction, tasks: [task] }} showTarget onAnswer={setAnswering} />
              </List.Item>
            );
          }}
        />
      </Card>
      <AnswerModal
        task={answering}
        onClose={() => setAnswering(null)}
        onDone={() => {
          setAnswering(null);
          list.reload();
        }}
      />
    </PageContainer>
  );
}
