/**
 * One error type with stable codes. The HTTP status comes from this table, never from message text.
 * Messages are for people: Chinese, saying what to do.
 */
export const ERROR_STATUS = {
  validation: 400,
  unauthenticated: 401,
  password_change_required: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  illegal_transition: 409,
  stale_version: 409,
  classified_content: 422,
  too_large: 413,
  locked: 423,
  rate_limited: 429,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The code of a 4xx that Fastify or a plugin answers rather than a use case (no AppError, only a status):
 * the table's own code for the statuses it names plainly, anything else a request the server could not
 * take as sent (400, 414, 415, 431 …).
 */
const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  413: 'too_large',
  429: 'rate_limited',
};

export function codeOfStatus(status: number): ErrorCode {
  return CODE_OF_STATUS[status] ?? 'validation';
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * One body for every 404 (SECURITY.md §11): a missing record and one outside the caller's scope answer
 * alike, whatever the route or noun, so ids cannot be probed. The noun is kept for the audit row only.
 */
export const NOT_FOUND_MESSAGE = '对象不存在或无权访问';
export const NOT_FOUND_BODY = { code: 'not_found', message: NOT_FOUND_MESSAGE } as const;
export const notFound = (what = '记录') => new AppError('not_found', NOT_FOUND_MESSAGE, { object: what });
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('conflict', message, details);
export const invalid = (field: string, message: string) =>
  new AppError('validation', `${field}：${message}`, { field });
/** Optimistic concurrency: the record changed since the client read it (SECURITY.md §30). */
export const staleVersion = (what: string, current?: number) =>
  new AppError(
    'stale_version',
    `${what}已被他人修改，请刷新后重试`,
    current === undefined ? undefined : { current },
  );
