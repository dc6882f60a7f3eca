import fc from 'fast-check';
import { issueToken } from '../../../server/auth/hmac-token.ts';
import { randomId } from '../../../src/protocol/ids.ts';

/** One generated request: what `app.request()` gets, plus the env carrying a socket address. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array | undefined;
  /** Which credential the request carries, so the oracle knows whether it may succeed. */
  readonly auth: 'valid' | 'fresh-user' | 'bad';
  readonly address: string;
}

/** The users a fuzz run knows: its own (F), a victim (V) whose data must never change, and the secret. */
export interface FuzzWorld {
  readonly secret: Uint8Array;
  readonly userId: string;
  readonly clientId: string;
  readonly victimClientId: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);

/** Numbers a JSON body may hold that a schema has to refuse or bound. */
const oddNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 63, Number.MAX_SAFE_INTEGER, 1e-300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** A JSON text nested `depth` deep (arrays or objects), built as text so the generator stays cheap. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 50, max: 20_000 }), objects: fc.boolean() })
  .map(({ depth, objects }) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

/** Any JSON value, with the awkward keys mixed in. */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: oddNumber },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ ['__proto__']: { polluted: 1 } }, { constructor: { prototype: 1 } }, 'x'.repeat(3000)),
  },
);

/** A well-formed write for the world's client (the starting point of mutations). */
const validWrite = fc
  .record({
    seq: fc.integer({ min: 1, max: 2 ** 31 }),
    id: hex32,
    collection: fc.constantFrom('notes', 'tasks'),
    key: fc.constantFrom('a', 'b', 'c', 'd'),
    op: fc.constantFrom('put', 'delete'),
    value: fc.jsonValue({ maxDepth: 2 }),
    baseVersion: fc.oneof(fc.constant(null), fc.nat(5)),
    writtenAt: fc.nat(),
  })
  .map((w) => {
    const { value, ...rest } = w;
    return w.op === 'put' ? { ...rest, value } : rest;
  });

type Mutation = (o: Record<string, unknown>) => void;
const fieldOf = (o: Record<string, unknown>, pick: number): string | undefined => {
  const keys = Object.keys(o);
  return keys.length === 0 ? undefined : keys[pick % keys.length];
};
/** One change to an object: drop, retype, add an unknown or prototype-ish field. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (pick): Mutation =>
      (o) => {
        const f = fieldOf(o, pick);
        if (f !== undefined) delete o[f];
      },
  ),
  fc.tuple(fc.nat(), anyValue).map(
    ([pick, v]): Mutation =>
      (o) => {
        const f = fieldOf(o, pick);
        if (f !== undefined) o[f] = v;
      },
  ),
  fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'toString', ''), anyValue).map(
    ([f, v]): Mutation =>
      (o) => {
        Object.defineProperty(o, f, { value: v, enumerable: true, configurable: true, writable: true });
      },
  ),
);

/** Push bodies: valid ones, mutated ones, and texts that are not what they claim. */
function pushBody(world: FuzzWorld): fc.Arbitrary<string | Uint8Array> {
  const clientId = fc.oneof(
    { weight: 6, arbitrary: fc.constant(world.clientId) },
    { weight: 1, arbitrary: fc.constant(world.victimClientId) },
    { weight: 1, arbitrary: hex32 },
  );
  const request = fc
    .record({
      protocol: fc.oneof({ weight: 8, arbitrary: fc.constant<unknown>(1) }, { weight: 1, arbitrary: anyValue }),
      clientId,
      firstSeq: fc.integer({ min: 1, max: 2 ** 31 }),
      writes: fc.array(validWrite, { minLength: 0, maxLength: 25 }),
    })
    .map(({ firstSeq, ...r }) => ({ ...r, writes: r.writes.map((w, i) => ({ ...w, seq: firstSeq + i })) }));
  const some = <T>(a: fc.Arbitrary<T>) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<T[]>([]) },
      { weight: 1, arbitrary: fc.array(a, { minLength: 1, maxLength: 3 }) },
    );
  const mutated = fc.tuple(request, some(mutation), some(fc.tuple(fc.nat(), mutation))).map(([r, top, inWrites]) => {
    const body: Record<string, unknown> = { ...r, writes: r.writes.map((w) => ({ ...w })) };
    for (const m of top) m(body);
    const writes = body.writes;
    if (Array.isArray(writes) && writes.length > 0) {
      for (const [i, m] of inWrites) {
        const w = writes[i % writes.length];
        if (typeof w === 'object' && w !== null && !Array.isArray(w)) m(w as Record<string, unknown>);
      }
    }
    return JSON.stringify(body);
  });
  const text = mutated.chain((json) =>
    fc.oneof(
      { weight: 10, arbitrary: fc.constant<string | Uint8Array>(json) },
      { weight: 1, arbitrary: fc.nat().map((n) => json.slice(0, n % (json.length + 1))) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([at, bytes]) => {
          // Raw bytes spliced in, mostly not UTF-8 (0x80-0xff alone never is).
          const b = Buffer.from(json, 'utf8');
          const i = at % (b.length + 1);
          return Buffer.concat([b.subarray(0, i), Buffer.from(bytes.map((x) => x | 0x80)), b.subarray(i)]);
        }),
      },
      {
        weight: 1,
        arbitrary: deepJson.map((deep) =>
          json.replace(/"value":[^,}]*|"writes":\[/, (m) => (m.startsWith('"value"') ? `"value":${deep}` : `"writes":[${deep},`)),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{}', '"x"', '1', '{"protocol":1}', '\u0000', '{"a":1,}') },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.constant('x'.repeat(70_000)) },
    ),
  );
  return text;
}

/** An `Authorization` header: mostly the world's valid token, else missing, malformed, expired, forged, tampered. */
function authHeader(world: FuzzWorld): fc.Arbitrary<{ header: string | undefined; auth: FuzzRequest['auth'] }> {
  const valid = issueToken(world.secret, world.userId, 3_600_000);
  const bad = (header: string | undefined) => ({ header, auth: 'bad' as const });
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant({ header: `Bearer ${valid}`, auth: 'valid' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .constant(0)
        .map(() => ({ header: `Bearer ${issueToken(world.secret, randomId(), 60_000)}`, auth: 'fresh-user' as const })),
    },
    {
      weight: 4,
      arbitrary: fc.oneof(
        fc
          .constantFrom(
            undefined,
            '',
            'Bearer',
            'Bearer ',
            `Basic ${valid}`,
            `bearer${valid}`,
            `Bearer ${valid} x`,
            'Bearer v1...',
          )
          .map(bad),
        fc.string({ maxLength: 40 }).map((s) => bad(`Bearer ${s}`)),
        fc
          .integer({ min: 1, max: 10 ** 9 })
          .map((ago) => bad(`Bearer ${issueToken(world.secret, world.userId, 1000, Date.now() - 1000 - ago)}`)),
        fc.uint8Array({ minLength: 32, maxLength: 32 }).map((other) => bad(`Bearer ${issueToken(other, world.userId, 60_000)}`)),
        fc.tuple(fc.nat(), fc.constantFrom('A', 'z', '.', '0', '-')).map(([at, ch]) => {
          const i = at % valid.length;
          const tampered = valid.slice(0, i) + (valid[i] === ch ? 'B' : ch) + valid.slice(i + 1);
          return bad(`Bearer ${tampered}`);
        }),
        fc.constant(bad(`Bearer ${valid.replace(world.userId, 'someone-else')}`)),
      ),
    },
  );
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/jsonx',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      ';',
    ),
  },
);

const address = fc.oneof(fc.constant('127.0.0.1'), fc.ipV4(), fc.ipV6());

const withHeaders = (base: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));

/** `POST /v1/push`, mostly, with every part varied. */
export function pushRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      auth: authHeader(world),
      type: contentType,
      body: pushBody(world),
      query: fc.oneof(
        { weight: 10, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('?x=1', '?__proto__=1', '?') },
      ),
      address,
    })
    .map(({ method, auth, type, body, query, address }) => ({
      method,
      path: `/v1/push${query}`,
      headers: withHeaders({ authorization: auth.header, 'content-type': type }),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      auth: auth.auth,
      address,
    }));
}

/** A query value: valid numbers, near misses, and junk (percent-encoded as a browser would). */
const queryValue = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
  fc.integer({ min: -5, max: 1005 }).map(String),
  fc.constantFrom(
    '1e2',
    '0x10',
    '+5',
    ' 5',
    '5.0',
    '05',
    '00',
    '',
    '-0',
    'NaN',
    'Infinity',
    '１',
    '5\u0000',
    '%',
    '%ff',
    '%2',
    '9'.repeat(40),
  ),
  fc.string({ maxLength: 12 }),
);

/** `GET /v1/pull` with arbitrary query strings. */
export function pullRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const param = fc.tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('cursor', 'limit', 'cursor', 'limit', 'resync') },
      { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'Limit', 'cursor[]', 'x', '') },
    ),
    queryValue,
  );
  const rawQuery = fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .array(param, { maxLength: 3 })
        .map((ps) =>
          ps.length === 0
            ? ''
            : `?${ps.map(([n, v]) => `${encodeURIComponent(n)}=${/^%/.test(v) ? v : encodeURIComponent(v)}`).join('&')}`,
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '?',
        '?&',
        '?limit',
        '?cursor',
        '?limit=5&&cursor=0',
        '?limit=5#x',
        `?cursor=${'1'.repeat(5000)}`,
        '?%=1',
        '?limit=%35',
      ),
    },
  );
  return fc
    .record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      auth: authHeader(world),
      query: rawQuery,
      address,
    })
    .map(({ method, auth, query, address }) => ({
      method,
      path: `/v1/pull${query}`,
      headers: withHeaders({ authorization: auth.header }),
      body: undefined,
      auth: auth.auth,
      address,
    }));
}

/** Any body at all, for endpoints that take none. */
const junkBody = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 50 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 30 }),
);

/** `POST /v1/session` with bodies, headers (forwarded-for included) and methods varied, from many addresses. */
export function sessionRequests(): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      type: contentType,
      body: junkBody,
      forwarded: fc.option(fc.oneof(fc.ipV4(), fc.string({ maxLength: 20 })), { nil: undefined }),
      query: fc.constantFrom('', '', '', '?x=1', '?__proto__=1'),
      address,
    })
    .map(({ method, type, body, forwarded, query, address }) => ({
      method,
      path: `/v1/session${query}`,
      headers: withHeaders({ 'content-type': type, 'x-forwarded-for': forwarded }),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      auth: 'bad' as const,
      address,
    }));
}

/** `GET /v1/health`, methods, queries and bodies varied. */
export function healthRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      auth: authHeader(world),
      query: fc.oneof(
        fc.constant(''),
        fc.string({ maxLength: 10 }).map((s) => `?${encodeURIComponent(s)}`),
      ),
      body: junkBody,
      address,
    })
    .map(({ method, auth, query, body, address }) => ({
      method,
      path: `/v1/health${query}`,
      headers: withHeaders({ authorization: auth.header }),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      auth: auth.auth,
      address,
    }));
}

/** Paths that are not routes: near misses of the real ones and arbitrary ones. */
export function unknownRouteRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const nearMiss = fc.constantFrom(
    '/v1',
    '/v1/',
    '/v1/push/',
    '/v1/pull/',
    '/v1/PUSH',
    '/V1/pull',
    '/v1/push/x',
    '/v1/session/1',
    '/v1/health.json',
    '/v2/push',
    '/v1//push',
    '//v1/push',
    '/v1/%70ush',
    '/v1/push%00',
    '/v1/__proto__',
    '/v1/constructor',
    '/',
    '/index.html',
    `/v1/${'a'.repeat(5000)}`,
  );
  const path = fc.oneof(
    nearMiss,
    fc.webPath().map((p) => `/v1${p.startsWith('/') ? p : `/${p}`}`),
    fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  );
  return fc
    .record({ method: fc.constantFrom(...METHODS), auth: authHeader(world), path, body: junkBody, type: contentType, address })
    .map(({ method, auth, path, body, type, address }) => ({
      method,
      path,
      headers: withHeaders({ authorization: auth.header, 'content-type': type }),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      auth: auth.auth,
      address,
    }));
}
