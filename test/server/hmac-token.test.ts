import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createBearerVerify } from '../../server/auth/bearer-verify.ts';
import { issueToken, verifyToken } from '../../server/auth/hmac-token.ts';
import { isOutboxError } from '../../src/errors.ts';

const secret = randomBytes(32);
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isOutboxError(e) ? e.code : 'not-an-outbox-error';
  }
  return undefined;
};

describe('verifyToken', () => {
  test('returns the user id and expiry of a token it issued', () => {
    const token = issueToken(secret, 'user_1', 1000, 5000);
    expect(verifyToken(secret, token, 5999)).toEqual({ userId: 'user_1', expiresAt: 6000 });
  });

  test('refuses a token at or after its expiry with token-expired', () => {
    expect(codeOf(() => verifyToken(secret, issueToken(secret, 'u', 1000, 5000), 6000))).toBe('token-expired');
  });

  test.each([
    ['another secret', () => issueToken(randomBytes(32), 'u', 1000, 0)],
    ['a changed user id', () => issueToken(secret, 'u', 1000, 0).replace('.u.', '.v.')],
    ['a later expiry', () => issueToken(secret, 'u', 1000, 0).replace('.1000.', '.9000.')],
    ['a missing part', () => issueToken(secret, 'u', 1000, 0).split('.').slice(0, 3).join('.')],
    ['garbage', () => 'not-a-token'],
  ])('refuses %s with token-invalid', (_, make) => {
    expect(codeOf(() => verifyToken(secret, make(), 1))).toBe('token-invalid');
  });
});

describe('createBearerVerify', () => {
  const verify = createBearerVerify(secret, () => 10);
  const request = (authorization?: string) =>
    new Request('http://x/v1/pull', authorization === undefined ? {} : { headers: { authorization } });

  test('reads the user id from an Authorization: Bearer header', async () => {
    await expect(verify(request(`Bearer ${issueToken(secret, 'abc', 100, 0)}`))).resolves.toBe('abc');
  });

  test.each([
    [undefined, 'token-missing'],
    ['Basic dXNlcjpwdw==', 'token-invalid'],
    ['Bearer', 'token-invalid'],
  ])('answers the header %s with %s', async (header, code) => {
    await expect(verify(request(header))).rejects.toMatchObject({ code });
  });
});
