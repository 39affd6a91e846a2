/**
 * The performance budget, as data, and the pure check of a run's figures against it. A section
 * that could not be measured (e.g. PostgreSQL did not start) fails its lines: a budget is only
 * met by a figure.
 */
import type { BulkResult } from './bulk';
import type { ClicksResult } from './clicks';
import type { GrowthEngineResult } from './growth';
import { ANSWER_STEPS, LATENCY_STEP_LABELS, type LatencyResult, type LatencyStep } from './latency';
import type { MemoryResult } from './memory';
import type { ParserResult } from './parser';
import type { TurnsResult } from './turns';

export type Measured<T> = T | { error: string };

export interface BudgetInput {
  turns: Measured<TurnsResult>;
  clicks: Measured<ClicksResult>;
  bulk: Measured<BulkResult>;
  latency: Measured<LatencyResult>;
  growth: { sqlite: Measured<GrowthEngineResult>; postgres: Measured<GrowthEngineResult> };
  memory: Measured<MemoryResult>;
  /** Absent in runs from before the parser was measured. */
  parser?: Measured<ParserResult>;
}

export interface BudgetLine {
  id: string;
  what: string;
  /** The measured figure; null when it could not be measured. */
  value: number | null;
  limit: number;
  comparison: '>=' | '<=' | '<';
  unit: string;
  pass: boolean;
  note?: string;
}

export function isError<T>(m: Measured<T>): m is { error: string } {
  return typeof m === 'object' && m !== null && 'error' in m;
}

function line(
  id: string,
  what: string,
  value: number | null | undefined,
  comparison: BudgetLine['comparison'],
  limit: number,
  unit: string,
  note?: string,
): BudgetLine {
  const v = value === undefined || value === null || Number.isNaN(value) ? null : value;
  const pass = v !== null && (comparison === '>=' ? v >= limit : comparison === '<=' ? v <= limit : v < limit);
  const out: BudgetLine = { id, what, value: v, limit, comparison, unit, pass };
  if (note) out.note = note;
  return out;
}

function from<T>(m: Measured<T>, pick: (t: T) => number): number | null {
  return isError(m) ? null : pick(m);
}

function why<T>(m: Measured<T>, errors?: (t: T) => string | undefined): string | undefined {
  if (isError(m)) return `not measured: ${m.error}`;
  return errors?.(m);
}

export function checkBudget(r: BudgetInput): BudgetLine[] {
  const t = r.turns;
  const turnErrors = (name: 'help' | 'status' | 'license') => (x: TurnsResult) =>
    x.scenarios[name].errors
      ? `${x.scenarios[name].errors} turns failed: ${x.scenarios[name].firstError ?? ''}`
      : undefined;
  const lines: BudgetLine[] = [];
  for (const name of ['help', 'status'] as const) {
    const label = name === 'help' ? '(b) "help"' : '(c) status question';
    // A turn that failed was not answered: the line is not met, whatever the ratio of the rest.
    lines.push(
      line(
        `turns.${name}.throughput`,
        `${label}: throughput vs echo bot`,
        from(t, (x) => (x.scenarios[name].errors ? NaN : x.scenarios[name].throughputRatio)),
        '>=',
        0.7,
        '×',
        why(t, turnErrors(name)),
      ),
    );
    lines.push(
      line(
        `turns.${name}.p99`,
        `${label}: p99 vs echo bot`,
        from(t, (x) => x.scenarios[name].p99Ratio),
        '<=',
        2,
        '×',
        why(t),
      ),
    );
  }
  lines.push(
    line(
      'turns.license.throughput',
      '(d) license request: throughput vs echo bot',
      from(t, (x) => (x.scenarios.license.errors ? NaN : x.scenarios.license.throughputRatio)),
      '>=',
      0.4,
      '×',
      why(t, turnErrors('license')),
    ),
  );

  const c = r.clicks;
  lines.push(
    line(
      'clicks.invoke.p99',
      `approval click: invoke answer p99 at ${isError(c) ? 50 : c.concurrency} concurrent`,
      from(c, (x) => (x.errors ? NaN : x.invoke.p99)),
      '<',
      300,
      'ms',
      why(c, (x) => (x.errors ? `${x.errors} clicks failed: ${x.firstError ?? ''}` : undefined)),
    ),
  );

  const b = r.bulk;
  lines.push(
    // Every tenant request while the request was carried out counts, not only the batches.
    line(
      'bulk.requests',
      `bulk of ${isError(b) ? 20 : b.people}: tenant requests for the writes and the check`,
      from(b, (x) => (x.completed ? x.executionRequests : NaN)),
      '<=',
      3,
      'requests',
      why(b, (x) => (x.completed ? undefined : 'the request did not complete')),
    ),
  );

  lines.push(...latencyLines(r.latency));

  const s = r.growth.sqlite;
  lines.push(
    line(
      'growth.sqlite.pending.p95',
      'growth, SQLite: pending approvals of one approver, p95',
      from(s, (x) => x.pendingForApprover.p95),
      '<',
      5,
      'ms',
      why(s),
    ),
  );
  lines.push(
    line(
      'growth.sqlite.requester.p95',
      "growth, SQLite: one requester's requests, p95",
      from(s, (x) => x.byRequester.p95),
      '<',
      5,
      'ms',
      why(s),
    ),
  );
  for (const [engine, g] of [
    ['SQLite', s],
    ['PostgreSQL', r.growth.postgres],
  ] as const) {
    lines.push(
      line(
        `growth.${engine.toLowerCase()}.scans`,
        `growth, ${engine}: statements that read a whole table`,
        from(g, (x) => x.fullScans),
        '<=',
        0,
        'statements',
        why(
          g,
          (x) =>
            x.plans
              .filter((p) => p.scansTable)
              .map((p) => p.sql)
              .join('; ') || undefined,
        ),
      ),
    );
  }

  const m = r.memory;
  lines.push(
    line(
      'memory.rss',
      `memory: resident after ${isError(m) ? 1000 : m.conversations} conversations (settled)`,
      from(m, (x) => (x.errors ? NaN : x.settled.rssMb)),
      '<',
      150,
      'MB',
      why(m, (x) => (x.errors ? `${x.errors} turns failed: ${x.firstError ?? ''}` : undefined)),
    ),
  );
  if (r.parser) {
    const p = r.parser;
    lines.push(
      line(
        'parser.p99',
        'parser p99 < 1 ms (per message, development + evaluation sets)',
        from(p, (x) => x.p99),
        '<',
        1,
        'ms',
        why(p),
      ),
    );
  }
  return lines;
}

/**
 * At Graph's latency: a person waits for every round trip a step makes one after the other. The
 * floor for a step that reads the tenant is one $batch; two leaves room for a read that depends on
 * another (who a written name is, then that person's record). A failed run of a step fails its line.
 */
function latencyLines(l: Measured<LatencyResult>): BudgetLine[] {
  const worst = (steps: readonly LatencyStep[]) => (x: LatencyResult) =>
    steps.some((s) => x.steps[s].errors || !x.steps[s].runs)
      ? NaN
      : Math.max(...steps.map((s) => x.steps[s].roundTrips.max));
  const failures = (steps: readonly LatencyStep[]) => (x: LatencyResult) => {
    const failed = steps.filter((s) => x.steps[s].errors || !x.steps[s].runs);
    if (failed.length)
      return failed
        .map((s) => `${LATENCY_STEP_LABELS[s]}: ${x.steps[s].errors} failed (${x.steps[s].firstError ?? 'no run'})`)
        .join('; ');
    const over = steps.filter((s) => x.steps[s].roundTrips.max > 2);
    return over.length
      ? `over: ${over.map((s) => `${LATENCY_STEP_LABELS[s]} ${x.steps[s].roundTrips.max}`).join(', ')}`
      : undefined;
  };
  const latencyMs = isError(l) ? 100 : l.latencyMs;
  return [
    line(
      'latency.answers.roundTrips',
      "at Graph's latency: every message turn and click answer, round trips",
      from(l, worst(ANSWER_STEPS)),
      '<=',
      2,
      'round trips',
      why(l, failures(ANSWER_STEPS)),
    ),
    line(
      'latency.confirm.roundTrips',
      "at Graph's latency: admin's Confirm (re-reads roles and checks fresh)",
      from(l, worst(['confirm', 'bulkConfirm', 'partnerConfirm'])),
      '<=',
      2,
      'round trips',
      why(l, failures(['confirm', 'bulkConfirm', 'partnerConfirm'])),
    ),
    line(
      'latency.statusWarm.roundTrips',
      "at Graph's latency: status question with warm caches, round trips",
      from(l, worst(['statusWarm'])),
      '<=',
      0,
      'round trips',
      why(l, failures(['statusWarm'])),
    ),
    // Entra's processing, not Dragon Desk's polling interval, should decide when the person hears:
    // once the license is Active (and the write answered), the read that sees it goes out within
    // one round trip.
    line(
      'latency.verification.pollWait',
      'license Active → the read that sees it is sent, p99',
      from(l, (x) =>
        x.steps.execution.errors || !x.verification.pollWaitMs.count ? NaN : x.verification.pollWaitMs.p99,
      ),
      '<=',
      latencyMs,
      'ms',
      why(l, failures(['execution'])),
    ),
  ];
}
