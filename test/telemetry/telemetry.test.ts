/**
 * Telemetry with APPLICATIONINSIGHTS_CONNECTION_STRING set: Dragon Desk over HTTP against the dev
 * tenant, with in-memory exporters next to Application Insights' own (whose ingestion endpoint is
 * a closed local port here: nothing leaves the machine). One approved license request, one that fails, two throttled Graph answers;
 * then what a service owner would look at: the spans of turns, executions and Graph calls (with
 * Graph's request id), the metrics, and logs tied to their turn.
 */
import net from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { persona } from '../../src/devtenant/fixture';
import { createLogger } from '../../src/log';
import { telemetryFor, type Telemetry } from '../../src/telemetry';
import { METRICS } from '../../src/telemetry/openTelemetry';
import { Harness } from '../helpers/harness';
import { MEMBER_ADD_PATH, danaAsksForNursing, latestRequest, settleUntilFinal } from '../helpers/licenseSteps';

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const logRecords = new InMemoryLogRecordExporter();
const logLines: Record<string, unknown>[] = [];
let telemetry: Telemetry;
let h: Harness;
let approved: { id: number; state: string };
let failed: { id: number; state: string; errorCode?: string };

beforeAll(async () => {
  // Offline: the SDK's own usage statistics would go to a fixed Microsoft endpoint.
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
  // Application Insights' own exporter runs too, towards a local port nobody listens on.
  const port = await closedPort();
  telemetry = telemetryFor(
    {
      telemetry: {
        connectionString: `InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://127.0.0.1:${port}/`,
      },
    },
    {
      spanProcessors: [new SimpleSpanProcessor(spans)],
      metricReaders: [reader],
      logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logRecords })],
      exporter: { disableOfflineStorage: true },
    },
  );
  h = await Harness.start({
    startWorker: false,
    telemetry,
    logger: createLogger('info', { app: 'dragon-desk' }, (line) =>
      logLines.push(JSON.parse(line) as Record<string, unknown>),
    ),
  });
  const dana = persona('dana');
  const faults = h.desk.devTenant!.faults;
  // Throttled twice: Dana's record inside her first-contact $batch, and the seats read on its own.
  faults.failNext({ method: 'GET', path: `/v1.0/users/${dana.id}`, count: 1, status: 429, retryAfterSeconds: 0 });
  faults.failNext({ method: 'GET', path: '/v1.0/subscribedSkus', count: 1, status: 429, retryAfterSeconds: 0 });

  const asked = await danaAsksForNursing(h);
  const decided = await h.as('nina').click(asked.approvals.nina, 'Approve');
  expect(decided.httpStatus).toBe(200);
  approved = await settleUntilFinal(h, asked.requestId);

  // An admin's direct request whose group write is refused: the execution fails.
  const leo = h.as('leo');
  await leo.say('give Sam Carter a Dragon nursing license');
  faults.failNext({
    method: 'POST',
    path: MEMBER_ADD_PATH,
    count: 10,
    status: 403,
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  });
  expect((await leo.click(leo.lastCard(), 'Confirm')).httpStatus).toBe(200);
  failed = await settleUntilFinal(h, (await latestRequest(h, 'leo')).id);
  await reader.forceFlush();
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await telemetry?.shutdown();
});

/** A port on 127.0.0.1 that was free a moment ago (connections to it are refused). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const finished = (): ReadableSpan[] => spans.getFinishedSpans();
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

/** The span that started `s`'s trace (its root). */
function rootOf(s: ReadableSpan): ReadableSpan {
  const byId = new Map(finished().map((x) => [x.spanContext().spanId, x] as const));
  let at = s;
  for (let parent = parentOf(at); parent && byId.has(parent); parent = parentOf(at)) at = byId.get(parent)!;
  return at;
}

function points(name: string): DataPoint<number | Histogram>[] {
  const found = metricExporter
    .getMetrics()
    .flatMap((rm) => rm.scopeMetrics)
    .flatMap((sm) => sm.metrics)
    .filter((m) => m.descriptor.name === name);
  return (found.at(-1)?.dataPoints ?? []) as DataPoint<number | Histogram>[];
}

const countWhere = (name: string, attrs: Record<string, unknown>): number =>
  points(name)
    .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
    .reduce((n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count), 0);

test('the scenario ran as a service owner would see it: one license Active, one execution failed', () => {
  expect(approved.state).toBe('completed');
  expect(failed).toMatchObject({ state: 'failed', errorCode: 'Authorization_RequestDenied' });
});

describe('spans', () => {
  test('a span per turn: messages and card clicks, as requests of the bot, with the card’s verb', () => {
    const turns = finished().filter((s) => s.kind === SpanKind.SERVER);
    expect(turns.map((s) => s.name)).toEqual(
      expect.arrayContaining(['turn message', 'turn invoke adaptiveCard/action']),
    );
    const click = turns.find((s) => s.name === 'turn invoke adaptiveCard/action')!;
    expect(click.attributes['dragon_desk.card.verb']).toEqual(expect.any(String));
    expect(click.attributes['http.response.status_code']).toBe(200);
    // Who, by Entra object id; never what they wrote.
    expect(turns.map((s) => s.attributes['enduser.id'])).toContain(persona('dana').id);
    expect(JSON.stringify(turns.map((s) => s.attributes))).not.toMatch(/nursing license/i);
  });

  test('a span per Graph call, with Graph’s request-id, inside the turn that made it', () => {
    const graph = finished().filter(
      (s) => s.kind === SpanKind.CLIENT && s.attributes['dragon_desk.service'] === 'graph',
    );
    expect(graph.length).toBeGreaterThan(3);
    for (const s of graph) {
      expect(s.attributes['graph.request_id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.attributes['http.response.status_code']).toEqual(expect.any(Number));
    }
    const inTurns = graph.filter((s) => rootOf(s).kind === SpanKind.SERVER);
    expect(inTurns.length).toBeGreaterThan(0);
    expect(inTurns.every((s) => s.spanContext().traceId === rootOf(s).spanContext().traceId)).toBe(true);
  });

  test('span names carry the kind of call, not ids or people: one operation name per kind', () => {
    const names = finished()
      .filter((s) => s.kind === SpanKind.CLIENT)
      .map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['POST /v1.0/$batch', 'GET /v1.0/subscribedSkus']));
    expect(names).toContain('POST /v1.0/groups/{id}/members/$ref');
    for (const n of names) expect(n).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|@|\?/i);
  });

  test('each execution is a span, and the Graph writes it makes are its children', () => {
    const executions = finished().filter((s) => s.name === 'execute license.assign');
    expect(executions.map((s) => s.attributes['dragon_desk.request.id']).sort()).toEqual(
      [approved.id, failed.id].sort(),
    );
    const writes = finished().filter((s) => s.name === 'POST /v1.0/groups/{id}/members/$ref');
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const w of writes) expect(rootOf(w).name).toBe('execute license.assign');
    // Its own trace, linked to the click that set it going.
    const kicked = executions.find((s) => s.attributes['dragon_desk.request.id'] === approved.id)!;
    expect(kicked.parentSpanContext).toBeUndefined();
    const click = finished().find((s) => s.spanContext().spanId === kicked.links[0]?.context.spanId);
    expect(click?.name).toBe('turn invoke adaptiveCard/action');
  });

  test('a refused Graph call is marked failed, with Microsoft’s error code and request id for support', () => {
    const refused = finished().filter(
      (s) => s.name === 'POST /v1.0/groups/{id}/members/$ref' && s.attributes['http.response.status_code'] === 403,
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].status.code).toBe(2); // SpanStatusCode.ERROR
    expect(refused[0].attributes['error.type']).toBe('Authorization_RequestDenied');
    expect(refused[0].attributes['graph.request_id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics a service owner watches', () => {
  test('requests by state', () => {
    for (const state of ['draft', 'approved', 'executing'])
      expect({ state, n: countWhere(METRICS.requests, { kind: 'license.assign', state }) }).toEqual({ state, n: 2 });
    expect(countWhere(METRICS.requests, { state: 'completed' })).toBe(1);
    expect(countWhere(METRICS.requests, { state: 'failed' })).toBe(1);
    expect(countWhere(METRICS.requests, { state: 'pending' })).toBe(1);
  });

  test('time to decision and time from approval to license Active', () => {
    expect(countWhere(METRICS.decisionTime, { kind: 'license.assign', outcome: 'approved' })).toBe(1);
    expect(countWhere(METRICS.licenseActivationTime, { kind: 'license.assign' })).toBe(1);
    const activation = points(METRICS.licenseActivationTime)[0].value as Histogram;
    expect(activation.sum).toBeGreaterThanOrEqual(0);
    expect(activation.sum).toBeLessThan(60);
  });

  test('Graph throttling, inside a $batch and on its own', () => {
    expect(countWhere(METRICS.graphThrottled, { service: 'graph', in_batch: true })).toBe(1);
    expect(countWhere(METRICS.graphThrottled, { service: 'graph', in_batch: false })).toBe(1);
  });

  test('failed executions, by Microsoft’s reason', () => {
    expect(
      countWhere(METRICS.failedExecutions, { kind: 'license.assign', reason: 'Authorization_RequestDenied' }),
    ).toBe(1);
  });
});

describe('logs keep their correlation ids', () => {
  test('a line written during a turn names the turn’s trace, as does its copy sent to Application Insights', () => {
    const retried = logLines.find((l) => l.msg === 'tenant call will be retried');
    expect(retried?.status).toBe(429);
    expect(retried?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const turnTraces = new Set(
      finished()
        .filter((s) => s.kind === SpanKind.SERVER)
        .map((s) => s.spanContext().traceId),
    );
    expect(turnTraces.has(retried!.trace_id as string)).toBe(true);
    const record = logRecords.getFinishedLogRecords().find((r) => r.body === 'tenant call will be retried');
    expect(record?.spanContext?.traceId).toBe(retried!.trace_id);
    // The line's own fields (what was retried, and why) travel with it.
    expect(record?.attributes).toMatchObject({ status: 429, app: 'dragon-desk' });
  });
});
