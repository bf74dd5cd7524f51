import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, ApiError, type Query } from './api/client';

/** Shows a server error's Chinese message; 401 and forced password changes are handled by the shell. */
export function useErrorHandler(): (e: unknown) => void {
  const { message } = App.useApp();
  return useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        if (e.status === 401) return;
        void message.error(e.message, 5);
        return;
      }
      void message.error('操作失败：' + (e instanceof Error ? e.message : String(e)));
    },
    [message],
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  setData(next: T): void;
}

/** Loads once per dependency change; keeps the previous data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef
      .current()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError(
          e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e)),
        );
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1), setData };
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

interface KeysetPage<T> {
  rows: T[];
  nextCursor: string | null;
}

/**
 * A server list paged by keyset cursor: the first page loads whenever the query changes (a stale answer
 * is dropped), `loadMore` appends the next page, `reload` starts over.
 */
export function useKeysetList<T>(url: string, query: Query) {
  const onError = useErrorHandler();
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .get<KeysetPage<T>>(url, JSON.parse(key) as Query)
      .then((p) => {
        if (!live) return;
        setRows(p.rows);
        setCursor(p.nextCursor);
      })
      .catch(onError)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [url, key, tick, onError]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const p = await api.get<KeysetPage<T>>(url, { ...(JSON.parse(key) as Query), cursor });
      setRows((r) => [...r, ...p.rows]);
      setCursor(p.nextCursor);
    } catch (e) {
      onError(e);
    } finally {
      setLoadingMore(false);
    }
  }, [url, key, cursor, onError]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { rows, loading, loadingMore, hasMore: cursor !== null, loadMore, reload };
}

/** Filters kept in the URL's query string, so a filtered list can be bookmarked and shared. */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const setFilters = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  return { params, setFilters };
}
