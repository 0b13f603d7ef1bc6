/** A request body that must be refused, and what is wrong with it. */
export interface BadBody {
  what: string;
  body: string;
  headers?: Record<string, string>;
}

const LONG = 'x'.repeat(100_000);
const TEN_MB = 10 * 1024 * 1024;

/**
 * Values no field of a request accepts in place of a valid one. OpenAI's shapes take null for
 * most fields, lists where a string goes, and any text: the gateway gets the rest.
 */
function replacementsFor(
  value: unknown,
  gateway: boolean,
): Array<[string, string]> {
  const all = portalReplacementsFor(value);
  const openAiAccepts = [
    'null',
    'an array',
    'an empty string',
    'a 100k string',
    'control characters',
  ];
  return gateway ? all.filter(([what]) => !openAiAccepts.includes(what)) : all;
}

function portalReplacementsFor(value: unknown): Array<[string, string]> {
  const raw = (v: unknown) => JSON.stringify(v);
  const wrongTypes: Array<[string, string]> = [
    ['null', 'null'],
    ['an object', raw({ $gt: '' })],
    ['an array', raw([value, value])],
    ['a boolean', 'true'],
  ];
  if (typeof value === 'number') {
    return [
      ...wrongTypes,
      ['a string', raw(String(value))],
      ['a huge number', '1e308'],
      ['a number past JSON doubles', '1e400'],
      ['an unsafe integer', '9007199254740993'],
      ['a negative number', '-1'],
      ['a large negative number', '-1e15'],
    ];
  }
  if (typeof value === 'string') {
    return [
      ...wrongTypes,
      ['a number', '42'],
      ['an empty string', raw('')],
      ['a 100k string', raw(LONG)],
      ['control characters', raw('a\u0000b\u202ec')],
    ];
  }
  return [...wrongTypes, ['a string', raw('x')], ['a number', '-1']];
}

/**
 * Bad versions of a valid body: each top-level field replaced by wrong types, huge or negative
 * numbers, long strings; an unknown field (portal routes only: the gateway passes OpenAI's
 * extra parameters on), deep nesting, a 10 MB body, broken and non-object JSON, no JSON type.
 */
export function* badBodies(
  valid: Record<string, unknown>,
  options: { gateway?: boolean } = {},
): Generator<BadBody> {
  for (const [field, value] of Object.entries(valid)) {
    for (const [what, replacement] of replacementsFor(
      value,
      options.gateway ?? false,
    )) {
      const rest = JSON.stringify({ ...valid, [field]: '__HOLE__' });
      yield {
        what: `${field} as ${what}`,
        body: rest.replace('"__HOLE__"', replacement),
      };
    }
    if (Array.isArray(value) && value.length > 0) {
      yield {
        what: `${field} with 100,000 items`,
        body: JSON.stringify({
          ...valid,
          [field]: Array.from({ length: 100_000 }, () => value[0]),
        }),
      };
    }
  }
  if (!options.gateway) {
    yield {
      what: 'an unknown field',
      body: JSON.stringify({ ...valid, isAdmin: true }),
    };
  }
  const [first] = Object.keys(valid);
  const depth = 100_000;
  yield {
    what: `a field nested ${depth} deep`,
    body: JSON.stringify({ ...valid, [first]: '__HOLE__' }).replace(
      '"__HOLE__"',
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
    ),
  };
  yield {
    what: 'a 10 MB body',
    body: JSON.stringify({ ...valid, padding: 'x'.repeat(TEN_MB) }),
  };
  yield { what: 'broken JSON', body: '{"name": ' };
  for (const json of ['[]', '"text"', '42', 'null']) {
    yield { what: `the JSON ${json}`, body: json };
  }
  yield {
    what: 'a form body',
    body: 'name=x&gpus=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/** Query strings that must be refused, per route. */
const BAD_QUERIES: Record<string, string[]> = {
  environments: [
    `team=${LONG.slice(0, 5000)}`,
    'gpuPool=h100',
    'gpuPool=mi300x&gpuPool=mi355x',
    'includeDeleted=maybe',
    `owner=${LONG.slice(0, 5000)}`,
  ],
  jobs: [
    'limit=-1',
    'limit=1e308',
    'limit=abc',
    'limit=1.5',
    'status=bogus',
    `environment=${LONG.slice(0, 5000)}`,
    `team=${LONG.slice(0, 5000)}`,
  ],
  usage: [
    'groupBy=color',
    'from=yesterday',
    'from=2025-01-01T00:00:00Z&to=2024-01-01T00:00:00Z',
    `team=${LONG.slice(0, 5000)}`,
    'team=a&team=b',
    `model=${LONG.slice(0, 5000)}`,
  ],
  teams: [
    `team=${LONG.slice(0, 5000)}`,
    'team=a&team=b',
    'team=user:default/x',
  ],
  logs: [
    'tailLines=-1',
    'tailLines=1e308',
    'tailLines=abc',
    'follow=maybe',
    `container=${LONG.slice(0, 5000)}`,
  ],
};

/** GETs with a bad query, for a path whose last segment names its route. */
export function* badQueries(
  path: string,
): Generator<{ what: string; path: string }> {
  const route = path.split('/').pop()!;
  for (const query of BAD_QUERIES[route] ?? []) {
    yield {
      what: `${path}?${query.slice(0, 60)}`,
      path: `${path}?${query}`,
    };
  }
}

/** A GET of a cost route with a bad query, and the field its 400 must name. */
export interface BadCostQuery {
  what: string;
  path: string;
  field: string;
}

const RANGE = 'from=2026-11-01&to=2026-11-08';

/** Wrong shapes of `from`, `to`, `teams` and `basis`, for the routes that take a range. */
const RANGE_QUERIES: Array<[string, string]> = [
  ['from', 'to=2026-11-08'],
  ['from', 'from=yesterday&to=2026-11-08'],
  ['from', 'from=&to=2026-11-08'],
  ['from', `from=${'9'.repeat(100)}&to=2026-11-08`],
  ['from', 'from=2026-11-01&from=2026-11-02&to=2026-11-08'],
  ['from', 'from=2026-11-01%00&to=2026-11-08'],
  ['from', 'from[$gt]=&to=2026-11-08'],
  ['to', 'from=2026-11-01'],
  ['to', 'from=2026-11-08&to=2026-11-01'],
  ['to', 'from=2026-11-01&to=2026-11-01'],
  ['to', 'from=2020-01-01&to=2026-11-01'],
  ['to', 'from=2026-11-01&to=soon'],
  ['teams', `${RANGE}&teams=user:default/x`],
  ['teams', `${RANGE}&teams=a/b/c`],
  ['teams', `${RANGE}&teams=`],
  ['teams', `${RANGE}&teams=,`],
  ['teams', `${RANGE}&teams=${LONG.slice(0, 5000)}`],
  ['teams', `${RANGE}&teams=ml-research&teams=genai-apps`],
  ['teams', `${RANGE}&teams=ml%00research`],
  ['teams', `${RANGE}&teams[a]=b`],
  ['basis', `${RANGE}&basis=free`],
  ['basis', `${RANGE}&basis=used&basis=reserved`],
  ['colour', `${RANGE}&colour=red`],
];

/** Wrong shapes of `teams` and `pools`, for the GPU routes that read now (fleet, idle list). */
const NOW_QUERIES: Array<[string, string]> = [
  ['teams', 'teams=user:default/x'],
  ['teams', 'teams='],
  ['teams', `teams=${LONG.slice(0, 5000)}`],
  ['teams', 'teams=ml-research&teams=genai-apps'],
  ['colour', 'colour=red'],
];

const POOL_QUERIES: Array<[string, string]> = [
  ['pools', 'pools=MI355X'],
  ['pools', 'pools=,'],
  ['pools', 'pools=mi355x;drop'],
  ['pools', `pools=${LONG.slice(0, 2500)}`],
  ['pools', 'pools=mi355x&pools=mi300x'],
];

/** GPU utilization's routes: at most 31 days, and their own fields. */
const GPU_QUERIES: Record<string, Array<[string, string]>> = {
  '/gpu/fleet': [...NOW_QUERIES, ...POOL_QUERIES],
  '/gpu/idle': [...NOW_QUERIES, ['pools', 'pools=mi355x']],
  '/gpu/usage': [
    ...RANGE_QUERIES,
    ['to', 'from=2026-10-01&to=2026-11-08'],
    ...POOL_QUERIES.map(([f, q]): [string, string] => [f, `${RANGE}&${q}`]),
  ],
  '/gpu/breakdown': [
    ...RANGE_QUERIES,
    ['by', `${RANGE}&by=colour`],
    ['by', `${RANGE}&by=team&by=model`],
  ],
  '/gpu/activity': [
    ...RANGE_QUERIES,
    ['environment', `${RANGE}&environment=Not_A_Name`],
    ['environment', `${RANGE}&environment=`],
    ['job', `${RANGE}&job=../../etc`],
    ['job', `${RANGE}&job=${'j'.repeat(65)}`],
    ['job', `${RANGE}&environment=ml-a&job=job-1`],
    ['teams', `${RANGE}&environment=ml-a&teams=ml-research`],
  ],
};

/** Bad queries of each cost route (paths under the plugin's mount). */
const COST_QUERIES: Record<string, Array<[string, string]>> = {
  '/cost': [
    ...RANGE_QUERIES,
    ['interval', `${RANGE}&interval=year`],
    ['interval', `${RANGE}&interval=day&interval=week`],
    ['stackBy', `${RANGE}&stackBy=colour`],
  ],
  '/cost/compare': RANGE_QUERIES,
  '/cost/top': [
    ...RANGE_QUERIES,
    ['by', `${RANGE}&by=team`],
    ['limit', `${RANGE}&limit=-1`],
    ['limit', `${RANGE}&limit=0`],
    ['limit', `${RANGE}&limit=101`],
    ['limit', `${RANGE}&limit=1e308`],
    ['limit', `${RANGE}&limit=abc`],
    ['limit', `${RANGE}&limit=1.5`],
    ['limit', `${RANGE}&limit=`],
  ],
  // Idle is both bases: `basis` is an unknown field there, named all the same.
  '/cost/idle': RANGE_QUERIES,
  '/cost/savings': RANGE_QUERIES,
  '/export/csv': RANGE_QUERIES,
  '/export/focus': RANGE_QUERIES,
  '/budgets': [
    ['month', 'month=2026-13'],
    ['month', 'month=x'],
    ['month', 'month='],
    ['month', 'month=2026-11&month=2026-12'],
    ['teams', 'teams=user:default/x'],
    ['teams', `teams=${LONG.slice(0, 5000)}`],
    ['teams', 'teams=ml-research&teams=genai-apps'],
    ['colour', 'colour=red'],
  ],
  '/scope': [
    ['teams', 'teams=ml-research'],
    ['colour', 'colour=red'],
  ],
  ...GPU_QUERIES,
  '/compliance/scorecards': NOW_QUERIES,
  '/compliance/environments/ml-research-x': [['colour', 'colour=red']],
  // Both ends optional and inclusive (a single day is a range); a range the route completes
  // (`to` today, `from` 90 days before `to`) is checked as one given whole.
  '/compliance/history': [
    ...NOW_QUERIES,
    ['to', 'from=2026-11-08&to=2026-11-01'],
    ['from', 'from=2025-01-01&to=2026-11-01'],
    ['from', 'from=2020-01-01'],
    ['from', 'from=2099-01-01'],
    ['from', 'from=2026-11-1'],
    ['from', 'from=2026-02-30'],
    ['from', 'from='],
    ['from', 'from=2026-11-01&from=2026-11-02'],
    ['from', `from=${'9'.repeat(100)}`],
    ['from', 'from[$gt]='],
    ['to', 'to=soon'],
    ['to', 'to=2026-11-01%00'],
    ['environment', 'environment=Not_A_Name'],
    ['environment', 'environment='],
    ['environment', `environment=${'n'.repeat(64)}`],
    ['environment', 'environment=ml.research'],
    ['environment', 'environment=ml%00research'],
    ['environment', 'environment=ml-a&environment=ml-b'],
    ['teams', 'teams=ml-research&environment=ml-research-x'],
  ],
  '/compliance/waivers': [
    ...NOW_QUERIES,
    ['state', 'state=pending'],
    ['state', 'state='],
    ['state', 'state=active&state=all'],
    ['state', `state=${LONG.slice(0, 5000)}`],
  ],
};

/** Wrong shapes of the namespace in `/compliance/environments/{namespace}`. */
const COMPLIANCE_NAMESPACES = [
  'Not_A_Name',
  '-leading-dash',
  'n'.repeat(64),
  'ml%00research',
  'ml.research',
  `${LONG.slice(0, 5000)}`,
];

/** GETs of the cost routes (genai-insights, mounted at `prefix`) with a bad query. */
export function* badCostQueries(prefix: string): Generator<BadCostQuery> {
  for (const [route, queries] of Object.entries(COST_QUERIES)) {
    for (const [field, query] of queries) {
      yield {
        what: `${prefix}${route}?${query.slice(0, 60)}`,
        path: `${prefix}${route}?${query}`,
        field,
      };
    }
  }
  for (const namespace of COMPLIANCE_NAMESPACES) {
    yield {
      what: `${prefix}/compliance/environments/${namespace.slice(0, 60)}`,
      path: `${prefix}/compliance/environments/${namespace}`,
      field: 'namespace',
    };
  }
}

/** A body of `POST /compliance/waivers` that must be refused, and the field its 400 must name. */
export interface BadWaiverBody {
  what: string;
  body: Record<string, unknown>;
  field: string;
}

/**
 * Each field of a waiver grant wrong in each way the contract refuses: missing, of a wrong type,
 * too long, badly shaped, a date past or too far, both or neither of environment and team, an
 * unknown check. `valid` is a grant for a team.
 */
export function* badWaiverBodies(
  valid: Record<string, unknown> & { team: string },
): Generator<BadWaiverBody> {
  const DAY = 86_400_000;
  const inDays = (days: number) =>
    new Date(Date.now() + days * DAY).toISOString();
  const without = (field: string) => {
    const { [field]: _omitted, ...rest } = valid;
    return rest;
  };
  for (const field of ['checkId', 'justification', 'expiresAt']) {
    yield { what: `${field} missing`, body: without(field), field };
  }
  const cases: Array<[string, string, unknown]> = [
    ['checkId', 'a number', 42],
    ['checkId', '101 characters', 'c'.repeat(101)],
    ['checkId', 'not an id', 'Required Labels'],
    ['checkId', 'an unknown check', 'no-such-check'],
    ['justification', 'a number', 42],
    ['justification', 'too short', 'because'],
    ['justification', '2,001 characters', 'j'.repeat(2001)],
    ['expiresAt', 'a number', Date.now() + DAY],
    ['expiresAt', 'not a date', 'soon'],
    ['expiresAt', '41 characters', `2027-01-01T00:00:00Z${' '.repeat(21)}`],
    ['expiresAt', 'in the past', inDays(-1)],
    ['expiresAt', 'now-ish (a second ago)', new Date(Date.now() - 1000)],
    ['expiresAt', 'more than 366 days away', inDays(367)],
    ['team', 'a number', 42],
    ['team', 'a user', 'user:default/lena.fischer'],
    ['team', '256 characters', 't'.repeat(256)],
  ];
  for (const [field, what, value] of cases) {
    yield {
      what: `${field} ${what}`,
      body: { ...valid, [field]: value },
      field,
    };
  }
  const { team: _team, ...noTeam } = valid;
  for (const [what, environment] of [
    ['a number', 42],
    ['not a namespace', 'Not_A_Name'],
    ['64 characters', 'n'.repeat(64)],
  ] as Array<[string, unknown]>) {
    yield {
      what: `environment ${what}`,
      body: { ...noTeam, environment },
      field: 'environment',
    };
  }
  yield {
    what: 'both environment and team',
    body: { ...valid, environment: 'ml-research-x' },
    field: 'environment',
  };
  yield {
    what: 'neither environment nor team',
    body: noTeam,
    field: 'environment',
  };
}

/** Ids of `DELETE /compliance/waivers/{id}` that are not waiver ids (UUIDs). */
export const BAD_WAIVER_IDS = [
  'not-a-uuid',
  '42',
  'zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz',
  '4b7c2a3e-0000-4000-8000-0000000000000',
  `${LONG.slice(0, 5000)}`,
];
