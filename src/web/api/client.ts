/**
 * The one way the SPA talks to the server: JSON in and out, the session cookie, the CSRF token on
 * every state change, and one error type carrying the server's stable `code` and Chinese `message`.
 */

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = (error: ApiError) => void;

let csrfToken: string | null = null;
const authListeners = new Set<Listener>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on 401 and on a forced password change, so the shell can redirect. */
export function onAuthProblem(listener: Listener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  query?: Query,
  extra: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    init.body = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), init);
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const b = (data ?? {}) as Partial<ApiErrorBody>;
    const err = new ApiError(
      res.status,
      b.code ?? 'http_' + res.status,
      b.message ?? `请求失败（${res.status}）`,
      b.details,
    );
    const isLogin = path === '/api/auth/login';
    if (!isLogin && (err.status === 401 || err.code === 'password_change_required'))
      authListeners.forEach((l) => l(err));
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  /** A read the page makes on its own (a poll): the server does not count it as the user's activity. */
  background: <T>(path: string, query?: Query) =>
    request<T>('GET', path, undefined, query, { 'X-ZX-Background': '1' }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Uploads raw bytes (an image for the attachment store) with the CSRF token; the server sniffs the type. */
export async function uploadBytes<T>(path: string, blob: Blob, fileName: string): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': blob.type || 'application/octet-stream',
    'X-File-Name': encodeURIComponent(fileName),
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, body: blob, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const data = (await res.json().catch(() => null)) as (T & Partial<ApiErrorBody>) | null;
  if (!res.ok)
    throw new ApiError(
      res.status,
      data?.code ?? `http_${res.status}`,
      data?.message ?? `上传失败（${res.status}）`,
    );
  return data as T;
}
