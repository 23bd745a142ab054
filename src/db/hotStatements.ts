import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type {
  ApiToken,
  Person,
  Recommendation,
  RecommendationEvent,
  ReminderPolicySetting,
} from '../generated/prisma/client';
import type { RecommendationDetails } from '../domain/recommendation';
import type { StatementObserver } from './statements';

/**
 * The statements every create through the API sends (the token's holder, the handler, the office's reminder policy,
 * the row's insert, the answer's read), prepared once below Prisma: better-sqlite3's `prepare` on the connection
 * Prisma's SQLite adapter opened, pg's named prepared statements on the pool of its PostgreSQL adapter. Prisma
 * spends about 1–2 ms of CPU compiling and mapping each operation; these take a few microseconds. Each returns
 * exactly the row Prisma's client returns (same fields, same types: tests/db/hotStatements.test.ts compares them).
 * They run outside the client's transactions, never inside one: on SQLite they wait for an open one to end (its one
 * connection would otherwise read what that transaction has not committed), so a call from inside would wait forever.
 */

/** How a column's stored value becomes the value Prisma's client returns. */
type ColumnKind = 'text' | 'int' | 'boolean' | 'date' | 'json';
/** Every scalar field of a model, and its kind: the compiler keeps the list complete as the schema changes. */
type Columns<Row> = { [Field in keyof Row]-?: ColumnKind };

const PERSON: Columns<Person> = {
  id: 'text',
  name: 'text',
  procuratorate: 'text',
  department: 'text',
  role: 'text',
  kind: 'text',
  active: 'boolean',
  passwordHash: 'text',
  mustChangePassword: 'boolean',
  passwordChangedAt: 'date',
  updatedAt: 'date',
};

const API_TOKEN: Columns<ApiToken> = {
  id: 'text',
  personId: 'text',
  label: 'text',
  hash: 'text',
  expiresAt: 'date',
  revokedAt: 'date',
  createdBy: 'text',
  approvedBy: 'text',
  administrationOnly: 'boolean',
  createdAt: 'date',
  lastUsedAt: 'date',
};

const REMINDER_POLICY_SETTING: Columns<ReminderPolicySetting> = {
  procuratorate: 'text',
  policy: 'json',
  updatedAt: 'date',
};

const RECOMMENDATION: Columns<Recommendation> = {
  id: 'text',
  workflowId: 'text',
  requestHash: 'text',
  procuratorate: 'text',
  documentNumber: 'text',
  caseNumber: 'text',
  domain: 'text',
  agency: 'text',
  handler: 'text',
  title: 'text',
  measures: 'json',
  issuedAt: 'text',
  servedAt: 'text',
  urgent: 'boolean',
  announcedService: 'boolean',
  status: 'text',
  closeGround: 'text',
  replyDueAt: 'text',
  reviewDueAt: 'text',
  nextDueAt: 'text',
  nextDueKind: 'text',
  awaitingApproval: 'text',
  deadlines: 'json',
  state: 'json',
  sequence: 'int',
  createdAt: 'date',
  updatedAt: 'date',
};

const RECOMMENDATION_EVENT: Columns<RecommendationEvent> = {
  id: 'int',
  recommendationId: 'text',
  sequence: 'int',
  type: 'text',
  actor: 'text',
  occurredAt: 'date',
  data: 'json',
  recordedAt: 'date',
  procuratorate: 'text',
};

export type TokenWithHolder = ApiToken & { person: Person };
export type RecommendationWithEvents = Recommendation & { events: RecommendationEvent[] };
/** A new recommendation's row, as LifecycleService.create writes it. */
export interface NewRecommendation {
  id: string;
  workflowId: string;
  requestHash: string;
  details: RecommendationDetails;
  status: string;
}

type Provider = 'sqlite' | 'postgresql';
type RawRow = Record<string, unknown>;

/** The driver under Prisma's adapter: better-sqlite3's connection, or pg's pool. */
export type Driver =
  { provider: 'sqlite'; connection: BetterSqlite3.Database } | { provider: 'postgresql'; pool: pg.Pool };

/** One statement, written once for both databases; `name` names it among pg's prepared statements. */
interface Statement {
  name: string;
  sql: (provider: Provider) => string;
}

const quoted = (name: string) => `"${name}"`;
const placeholder = (provider: Provider) => (i: number) => (provider === 'sqlite' ? '?' : `$${i}`);

/**
 * The columns of `columns` as the select list of `table` (aliased `alias`), each named `prefix` + its field. On
 * PostgreSQL a DateTime (timestamp(3) without time zone, holding UTC) is read as timestamptz, which pg turns into
 * the right Date whatever the process's time zone.
 */
function selectList<Row>(provider: Provider, alias: string, columns: Columns<Row>, prefix = ''): string {
  return Object.entries<ColumnKind>(columns)
    .map(([field, kind]) => {
      const column = `${alias}.${quoted(field)}`;
      const value = provider === 'postgresql' && kind === 'date' ? `(${column} AT TIME ZONE 'UTC')` : column;
      return `${value} AS ${quoted(prefix + field)}`;
    })
    .join(', ');
}

/** SQLite's stored DateTime as the adapter reads it: ISO 8601 text (UTC when it names no zone), or milliseconds. */
function sqliteDate(value: unknown): Date {
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  const text = String(value);
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

function valueOf(provider: Provider, kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (provider === 'postgresql') return value;
  switch (kind) {
    case 'boolean':
      return value === 1 || value === 1n || value === true;
    case 'date':
      return sqliteDate(value);
    case 'json':
      return JSON.parse(value as string);
    case 'int':
      return Number(value);
    default:
      return value;
  }
}

/** The row of `columns` read from `raw` (its fields named `prefix` + field). */
function rowOf<Row>(provider: Provider, columns: Columns<Row>, raw: RawRow, prefix = ''): Row {
  const row: RawRow = {};
  for (const [field, kind] of Object.entries<ColumnKind>(columns))
    row[field] = valueOf(provider, kind, raw[prefix + field]);
  return row as Row;
}

const TOKEN_WITH_HOLDER: Statement = {
  name: 'followup_token_with_holder',
  sql: (provider) =>
    `SELECT ${selectList(provider, 't', API_TOKEN)}, ${selectList(provider, 'p', PERSON, 'person.')}
     FROM "ApiToken" t JOIN "Person" p ON p."id" = t."personId" WHERE t."hash" = ${placeholder(provider)(1)}`,
};

const PERSON_BY_ID: Statement = {
  name: 'followup_person_by_id',
  sql: (provider) =>
    `SELECT ${selectList(provider, 'p', PERSON)} FROM "Person" p WHERE p."id" = ${placeholder(provider)(1)}`,
};

const REMINDER_POLICY: Statement = {
  name: 'followup_reminder_policy',
  sql: (provider) =>
    `SELECT ${selectList(provider, 's', REMINDER_POLICY_SETTING)} FROM "ReminderPolicySetting" s
     WHERE s."procuratorate" = ${placeholder(provider)(1)}`,
};

const RECOMMENDATION_BY_ID: Statement = {
  name: 'followup_recommendation_by_id',
  sql: (provider) =>
    `SELECT ${selectList(provider, 'r', RECOMMENDATION)} FROM "Recommendation" r WHERE r."id" = ${placeholder(provider)(1)}`,
};

const EVENTS_OF: Statement = {
  name: 'followup_events_of_recommendation',
  sql: (provider) =>
    `SELECT ${selectList(provider, 'e', RECOMMENDATION_EVENT)} FROM "RecommendationEvent" e
     WHERE e."recommendationId" = ${placeholder(provider)(1)} ORDER BY e."sequence" ASC`,
};

/** The fields a create writes, in the order of INSERT_RECOMMENDATION's parameters. */
const INSERTED = [
  'id',
  'workflowId',
  'requestHash',
  'procuratorate',
  'documentNumber',
  'caseNumber',
  'domain',
  'agency',
  'handler',
  'title',
  'measures',
  'issuedAt',
  'servedAt',
  'urgent',
  'announcedService',
  'replyDueAt',
  'status',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Recommendation)[];

/** A taken id, workflow id or 文号 inserts nothing (the caller then tells a repeat from a conflict). */
const INSERT_RECOMMENDATION: Statement = {
  name: 'followup_insert_recommendation',
  sql: (provider) => {
    const param = placeholder(provider);
    const values = INSERTED.map((field, i) => {
      const kind = RECOMMENDATION[field];
      if (provider === 'postgresql' && kind === 'json') return `${param(i + 1)}::jsonb`;
      return param(i + 1);
    });
    return `INSERT INTO "Recommendation" (${INSERTED.map(quoted).join(', ')}) VALUES (${values.join(', ')})
      ON CONFLICT DO NOTHING`;
  },
};

/** A parameter as each driver binds it: better-sqlite3 takes no booleans and no Dates. */
function parameter(provider: Provider, kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      return provider === 'sqlite' ? (value ? 1 : 0) : value;
    case 'json':
      return JSON.stringify(value);
    case 'date':
      // As Prisma's adapters write it: SQLite ISO text with +00:00; PostgreSQL the UTC time (the zone is ignored).
      return provider === 'sqlite'
        ? (value as Date).toISOString().replace('Z', '+00:00')
        : (value as Date).toISOString();
    default:
      return value;
  }
}

export class HotStatements {
  private readonly prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
  private readonly texts = new Map<string, string>();

  /**
   * `driver` gives the adapter's current connection or pool (connecting the client when it has none);
   * `outsideTransactions` runs SQLite's statements between the client's transactions, whose one connection they
   * share; `observe` hears each statement sent, as the adapters' statements are counted.
   */
  constructor(
    private readonly provider: Provider,
    private readonly driver: () => Promise<Driver>,
    private readonly outsideTransactions: <T>(work: () => Promise<T>) => Promise<T>,
    private readonly observe?: StatementObserver,
  ) {}

  /** The API token of the hash, with its holder; undefined when none has it. */
  async tokenWithHolder(hash: string): Promise<TokenWithHolder | undefined> {
    const [raw] = await this.query(TOKEN_WITH_HOLDER, [hash]);
    return raw && { ...this.rowOf(API_TOKEN, raw), person: this.rowOf(PERSON, raw, 'person.') };
  }

  async person(id: string): Promise<Person | undefined> {
    const [raw] = await this.query(PERSON_BY_ID, [id]);
    return raw && this.rowOf(PERSON, raw);
  }

  /** The procuratorate's stored reminder policy; undefined when it keeps the default. */
  async reminderPolicySetting(procuratorate: string): Promise<ReminderPolicySetting | undefined> {
    const [raw] = await this.query(REMINDER_POLICY, [procuratorate]);
    return raw && this.rowOf(REMINDER_POLICY_SETTING, raw);
  }

  /** The recommendation's row with its events in order; undefined when there is none. */
  async recommendationWithEvents(id: string): Promise<RecommendationWithEvents | undefined> {
    const [raw] = await this.query(RECOMMENDATION_BY_ID, [id]);
    if (!raw) return undefined;
    const events = await this.query(EVENTS_OF, [id]);
    return { ...this.rowOf(RECOMMENDATION, raw), events: events.map((e) => this.rowOf(RECOMMENDATION_EVENT, e)) };
  }

  /** Inserts the row; false, inserting nothing, when its id, workflow id or 文号 is taken. */
  async insertRecommendation({ id, workflowId, requestHash, details, status }: NewRecommendation): Promise<boolean> {
    const now = new Date();
    const row: Record<(typeof INSERTED)[number], unknown> = {
      ...details,
      id,
      workflowId,
      requestHash,
      replyDueAt: details.replyDueAt ?? null,
      status,
      createdAt: now,
      updatedAt: now,
    };
    const values = INSERTED.map((field) => parameter(this.provider, RECOMMENDATION[field], row[field]));
    return (await this.run(INSERT_RECOMMENDATION, values)) === 1;
  }

  private rowOf<Row>(columns: Columns<Row>, raw: RawRow, prefix = ''): Row {
    return rowOf(this.provider, columns, raw, prefix);
  }

  private textOf(statement: Statement): string {
    let text = this.texts.get(statement.name);
    if (text === undefined) this.texts.set(statement.name, (text = statement.sql(this.provider)));
    return text;
  }

  private async query(statement: Statement, values: unknown[]): Promise<RawRow[]> {
    const driver = await this.driver();
    const text = this.textOf(statement);
    if (driver.provider === 'postgresql') {
      this.observe?.(text);
      return (await driver.pool.query<RawRow>({ name: statement.name, text, values })).rows;
    }
    return this.outsideTransactions(async () => {
      this.observe?.(text);
      return this.statementOn(driver.connection, statement.name, text).all(...values) as RawRow[];
    });
  }

  /** Runs a statement that changes rows; the number it changed. */
  private async run(statement: Statement, values: unknown[]): Promise<number> {
    const driver = await this.driver();
    const text = this.textOf(statement);
    if (driver.provider === 'postgresql') {
      this.observe?.(text);
      return (await driver.pool.query({ name: statement.name, text, values })).rowCount ?? 0;
    }
    return this.outsideTransactions(async () => {
      this.observe?.(text);
      return this.statementOn(driver.connection, statement.name, text).run(...values).changes;
    });
  }

  /** The statement prepared on the connection, once per connection. */
  private statementOn(connection: BetterSqlite3.Database, name: string, text: string): BetterSqlite3.Statement {
    let statements = this.prepared.get(connection);
    if (!statements) this.prepared.set(connection, (statements = new Map()));
    let prepared = statements.get(name);
    if (!prepared) statements.set(name, (prepared = connection.prepare(text)));
    return prepared;
  }
}

/**
 * The adapter factory, telling `keep` the driver under each adapter it connects (and undefined once that adapter
 * is disposed): better-sqlite3's connection, pg's pool.
 */
export function keepingDriver<Factory extends { connect(): Promise<object> }>(
  factory: Factory,
  keep: (driver: Driver | undefined) => void,
): Factory {
  const connect = factory.connect.bind(factory);
  return Object.assign(Object.create(factory) as Factory, {
    connect: async () => {
      const adapter = (await connect()) as {
        provider?: string;
        client?: BetterSqlite3.Database;
        underlyingDriver?: () => pg.Pool;
        dispose: () => Promise<void>;
      };
      if (adapter.provider === 'postgres' && typeof adapter.underlyingDriver === 'function')
        keep({ provider: 'postgresql', pool: adapter.underlyingDriver() });
      else if (adapter.provider === 'sqlite' && typeof adapter.client?.prepare === 'function')
        keep({ provider: 'sqlite', connection: adapter.client });
      else throw new Error('the driver adapter no longer exposes its driver (better-sqlite3 connection or pg pool)');
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        keep(undefined);
        await dispose();
      };
      return adapter;
    },
  });
}
