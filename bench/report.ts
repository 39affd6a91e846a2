/** The printed table of a run (pure: results in, text out). */
import { isError, type Measured } from './budget';
import type { BenchResults } from './bench';
import { LATENCY_STEP_LABELS, LATENCY_STEPS } from './latency';
import { TURN_LABELS, TURN_SCENARIOS } from './turns';

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function section<T>(title: string, m: Measured<T>, body: (t: T) => string[]): string[] {
  return ['', title, ...(isError(m) ? [`  not measured: ${m.error}`] : body(m))];
}

export function formatReport(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    `Dragon Desk benchmark, ${r.startedAt} (${f(r.durationMs / 1000, 0)} s)`,
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryMb} MB, ${m.platform}, node ${m.node}; load average (1 min) ${f(m.loadStart, 2)} at start, ${f(m.loadEnd, 2)} at end`,
  ];

  out.push(
    ...section(
      `1. Message turns: ${r.options.turns.concurrency} concurrent conversations, ${r.options.turns.rounds} interleaved rounds of ${r.options.turns.roundMs / 1000} s each after a warm-up`,
      r.turns,
      (t) => [
        `  ${pad('', 52)}${lpad('turns', 7)}${lpad('turns/s', 9)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('CPU ms/turn', 13)}${lpad('× echo: thru', 14)}${lpad('p99', 6)}`,
        ...TURN_SCENARIOS.map((n) => {
          const s = t.scenarios[n];
          return (
            `  ${pad(TURN_LABELS[n], 52)}${lpad(String(s.turns), 7)}${lpad(f(s.throughput, 0), 9)}${lpad(f(s.p50), 8)}${lpad(f(s.p99), 8)}${lpad(f(s.cpuMsPerTurn, 2), 13)}${lpad(f(s.throughputRatio, 2), 14)}${lpad(f(s.p99Ratio, 2), 6)}` +
            (s.errors ? `  (${s.errors} failed: ${s.firstError ?? ''})` : '')
          );
        }),
        `  (d) counts both turns of a request (the message, then the Send click); as whole requests: ${f(t.licenseRequests.perSecond, 1)} requests/s, p50 ${f(t.licenseRequests.p50)} ms, p99 ${f(t.licenseRequests.p99)} ms`,
      ],
    ),
  );

  out.push(
    ...section(
      `2. Approval clicks: ${r.options.clicks.clicks} Approve clicks on different requests, ${r.options.clicks.concurrency} at a time (after ${r.options.clicks.warmup ?? 20} warm-up clicks)`,
      r.clicks,
      (c) => [
        `  invoke answered: p50 ${f(c.invoke.p50)} ms, p95 ${f(c.invoke.p95)} ms, p99 ${f(c.invoke.p99)} ms, max ${f(c.invoke.max)} ms${c.errors ? `; ${c.errors} failed: ${c.firstError ?? ''}` : ''}`,
        `  click → license Active on the dev tenant: p50 ${f(c.clickToActive.p50, 0)} ms, p99 ${f(c.clickToActive.p99, 0)} ms, max ${f(c.clickToActive.max, 0)} ms${c.notActive ? `; ${c.notActive} not Active in time` : ''}`,
      ],
    ),
  );

  out.push(
    ...section('3. Bulk: one request for 20 people, carried out by the worker', r.bulk, (b) => [
      `  tenant HTTP requests while it was carried out: ${b.executionRequests} (${b.batchRequests} $batch carrying ${b.batchItems} items: the writes and the check${
        b.executionRequests > b.batchRequests
          ? `; other: ${b.calls.filter((c) => !c.endsWith('/$batch')).join(', ')}`
          : ''
      }); one request per person would be ${b.perPersonRequests}`,
      `  the whole exchange (message, Confirm, execution): ${b.wholeExchangeRequests} tenant requests; ${b.licensed}/${b.people} licensed, request ${b.completed ? 'completed' : 'NOT completed'}`,
    ]),
  );

  out.push(
    '',
    `4. Growth: ${r.options.growth.requests.toLocaleString('en-US')} requests in the store; ${r.options.growth.samples} timed calls per list`,
  );
  for (const [name, g] of [
    ['SQLite', r.growth.sqlite],
    ['PostgreSQL', r.growth.postgres],
  ] as const) {
    if (isError(g)) out.push(`  ${pad(name, 11)} not measured: ${g.error}`);
    else
      out.push(
        `  ${pad(name, 11)} pending approvals of one approver p95 ${f(g.pendingForApprover.p95, 2)} ms (p50 ${f(g.pendingForApprover.p50, 2)}); one requester's requests p95 ${f(g.byRequester.p95, 2)} ms (p50 ${f(g.byRequester.p50, 2)}); ` +
          `whole-table reads: ${g.fullScans}; seeded in ${f(g.seedMs / 1000)} s; busiest approver has ${g.busiestApproverPending} pending`,
      );
  }

  out.push(
    ...section(
      `5. Memory: resident set of the bot's own process after ${r.options.memory.conversations} distinct conversations, one turn each`,
      r.memory,
      (mem) => {
        const floor = r.memoryFloor;
        const floorLine = isError(floor)
          ? `  echo bot (floor): ${floor.error}`
          : `  echo bot (floor), same turns:  start ${f(floor.start.rssMb, 0)} MB, after the burst ${f(floor.afterBurst.rssMb, 0)} MB, settled ${f(floor.settled.rssMb, 0)} MB`;
        return [
          `  compiled (dist/), as npm start runs it: node ${mem.nodeFlags.join(' ')}`,
          `  Dragon Desk: start ${f(mem.start.rssMb, 0)} MB, after the burst ${f(mem.afterBurst.rssMb, 0)} MB, settled (${f(mem.settleMs / 1000, 0)} s idle) ${f(mem.settled.rssMb, 0)} MB; V8 heap used ${f(mem.settled.heapUsedMb, 0)} MB${mem.errors ? `; ${mem.errors} turns failed` : ''}`,
          floorLine,
        ];
      },
    ),
  );

  out.push(
    ...section(
      `6. At Graph's latency: every dev tenant answer held back ${r.options.latency.latencyMs} ms (a $batch's requests side by side), one person at a time, ${r.options.latency.runs} runs`,
      r.latency,
      (l) => {
        const v = l.verification;
        const delays = v.pollDelaysMs;
        return [
          `  ${pad('', 52)}${lpad('wall p50', 9)}${lpad('p99 ms', 8)}${lpad('round trips (worst, median)', 29)}${lpad('calls', 7)}`,
          ...LATENCY_STEPS.map((n) => {
            const s = l.steps[n];
            return (
              `  ${pad(LATENCY_STEP_LABELS[n], 52)}${lpad(f(s.wall.p50, 0), 9)}${lpad(f(s.wall.p99, 0), 8)}${lpad(`${s.roundTrips.max}, ${s.roundTrips.p50}`, 29)}${lpad(String(s.callsMax), 7)}` +
              (s.errors ? `  (${s.errors} failed: ${s.firstError ?? ''})` : '')
            );
          }),
          `  (round trips: the longest chain of tenant calls each sent after the previous one was answered, from the dev tenant's call log; calls: the most HTTP calls in one run, a $batch counting one)`,
          `  license check after the write: reads after ${delays.slice(0, -1).join(', ')} ms, then every ${delays[delays.length - 1]} ms; Entra's processing (write → Active) p50 ${f(v.entraMs.p50, 0)} ms`,
          `  license Active → Dragon Desk notices (overshoot, the read's own round trip included): p50 ${f(v.overshootMs.p50, 0)} ms, p99 ${f(v.overshootMs.p99, 0)} ms; of it, waiting for the next read: p50 ${f(v.pollWaitMs.p50, 0)} ms, p99 ${f(v.pollWaitMs.p99, 0)} ms`,
          `  Approve click → license Active p50 ${f(v.clickToActiveMs.p50, 0)} ms; → request completed p50 ${f(v.clickToCompletedMs.p50, 0)} ms, p99 ${f(v.clickToCompletedMs.p99, 0)} ms`,
        ];
      },
    ),
  );
  if (r.parser)
    out.push(
      ...section(`7. Parser: understand() per message over the development and evaluation sets`, r.parser, (p) => [
        `  ${p.messages} messages × ${p.rounds} rounds: p50 ${f(p.p50, 3)} ms, p99 ${f(p.p99, 3)} ms, max ${f(p.max, 3)} ms`,
      ]),
    );

  out.push('', 'Budget');
  for (const b of r.budget) {
    const value =
      b.value === null
        ? 'n/a'
        : `${f(b.value, b.unit === '×' ? 2 : b.unit === 'ms' ? 2 : 0)}${b.unit === '×' ? '×' : ` ${b.unit}`}`;
    const limit = `${b.comparison} ${b.limit}${b.unit === '×' ? '×' : ` ${b.unit}`}`;
    out.push(
      `  ${b.pass ? 'PASS' : 'FAIL'}  ${pad(b.what, 70)} ${lpad(value, 14)}  (${limit})${b.note ? `  ${b.note}` : ''}`,
    );
  }
  const failed = r.budget.filter((b) => !b.pass).length;
  out.push(
    '',
    failed ? `${failed} of ${r.budget.length} budget lines missed.` : `All ${r.budget.length} budget lines met.`,
  );
  return out.join('\n');
}
