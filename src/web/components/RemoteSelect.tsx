import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useErrorHandler } from '../hooks';

export interface Option {
  value: string;
  label: string;
}

/** A Select whose options load when it mounts (forward targets, periodicals). Used inside Form.Item. */
export function RemoteSelect(props: {
  load(): Promise<Option[]>;
  value?: string;
  onChange?(v: string): void;
  placeholder?: string;
  emptyText?: string;
  autoPickSingle?: boolean;
  id?: string;
}) {
  const { load, value, onChange, placeholder, emptyText = '无可选项', autoPickSingle = true, id } = props;
  const [options, setOptions] = useState<Option[] | null>(null);
  const onError = useErrorHandler();
  useEffect(() => {
    let live = true;
    load()
      .then((o) => {
        if (!live) return;
        setOptions(o);
        if (autoPickSingle && o.length === 1 && !value) onChange?.(o[0]!.value);
      })
      .catch((e: unknown) => {
        onError(e);
        if (live) setOptions([]);
      });
    return () => {
      live = false;
    };
  }, []);
  return (
    <Select
      id={id}
      value={value}
      onChange={onChange}
      loading={options === null}
      placeholder={placeholder}
      notFoundContent={emptyText}
      options={options ?? []}
    />
  );
}
