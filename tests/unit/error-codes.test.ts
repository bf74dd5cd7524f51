import { describe, expect, it } from 'vitest';
import { codeOfStatus, ERROR_STATUS } from '../../src/server/http/errors.js';

describe('codeOfStatus', () => {
  it('names a framework 4xx by the code whose status it is', () => {
    for (const status of [401, 403, 413, 429]) expect(ERROR_STATUS[codeOfStatus(status)]).toBe(status);
  });

  it('calls any other refused request a validation error', () => {
    for (const status of [400, 414, 415, 431]) expect(codeOfStatus(status)).toBe('validation');
  });
});
