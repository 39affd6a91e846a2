/**
 * Telemetry through OpenTelemetry and the Azure Monitor distro (@azure/monitor-opentelemetry).
 * Required only when APPLICATIONINSIGHTS_CONNECTION_STRING is set (index.ts).
 *
 * The distro's automatic instrumentations stay off: Dragon Desk sends Graph and ARM through its own
 * node:http transport and records those calls itself (with Microsoft's request id), so the http
 * instrumentation would only double them, and turns are recorded from the bot's own entry point.
 * Every trace is kept (the distro's default keeps 5 per second): a turn is one span and a few
 * dependencies, and the traces that matter are the rare failing ones.
 *
 * In Application Insights: turns and executions are requests, Graph/ARM calls are dependencies,
 * log lines are traces, the metrics are customMetrics; all share the operation id of their turn.
 */
import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import {
  shutdownAzureMonitor,
  useAzureMonitor,
  type AzureMonitorOpenTelemetryOptions,
} from '@azure/monitor-opentelemetry';
import type { RequestEvent } from '../domain/request';
import { setLogCorrelation, type LogLevel, type LogLine } from '../log';
import type { TenantCallInfo, TenantCallRecorder } from '../tenant/telemetry';
import type { RequestFacts, Telemetry, TurnInfo } from '.';

export type OpenTelemetryExtras = Pick<
  AzureMonitorOpenTelemetryOptions,
  'spanProcessors' | 'metricReaders' | 'logRecordProcessors'
> & {
  /** Overrides of the Application Insights exporter's options (a test turns its disk buffer off). */
  exporter?: Omit<NonNullable<AzureMonitorOpenTelemetryOptions['azureMonitorExporterOptions']>, 'connectionString'>;
};

const NAME = 'dragon-desk';

export const METRICS = {
  requests: 'dragon_desk.requests',
  decisionTime: 'dragon_desk.request.decision_time',
  licenseActivationTime: 'dragon_desk.license.activation_time',
  graphThrottled: 'dragon_desk.graph.throttled',
  failedExecutions: 'dragon_desk.executions.failed',
} as const;

const SEVERITY: Record<LogLevel, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

const OFF = { enabled: false };

/**
 * A path as a span name and url template: ids, user principal names and partner ids become {id}
 * (one operation name per kind of call, and no person's name in telemetry); the query is dropped.
 */
export function templatePath(path: string): string {
  const bare = path.split('?')[0];
  return bare
    .split('/')
    .map((segment) =>
      /@|%40/.test(segment) || /^[0-9a-f]{8}-[0-9a-f-]{27,}$/i.test(segment) || /^\d{3,}$/.test(segment)
        ? '{id}'
        : segment,
    )
    .join('/');
}

/** Answers that mean something is wrong with Dragon Desk's access or Microsoft, not with the question. */
function isFailure(status: number): boolean {
  return status === 0 || status === 401 || status === 403 || status === 429 || status >= 500;
}

const secondsBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** Log fields as OpenTelemetry attributes: primitives as they are, anything else as JSON. */
function attributesOf(line: LogLine): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(line)) {
    if (k === 't' || k === 'level' || k === 'msg' || k === 'trace_id' || k === 'span_id' || v === undefined) continue;
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

export function startOpenTelemetry(connectionString: string, extras: OpenTelemetryExtras = {}): Telemetry {
  // Application Insights' cloud role name; OTEL_SERVICE_NAME set by the operator wins.
  process.env.OTEL_SERVICE_NAME ??= NAME;
  const { exporter, ...processors } = extras;
  useAzureMonitor({
    azureMonitorExporterOptions: { ...exporter, connectionString },
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: OFF,
      azureSdk: OFF,
      mongoDb: OFF,
      mySql: OFF,
      postgreSql: OFF,
      redis: OFF,
      redis4: OFF,
      bunyan: OFF,
      winston: OFF,
      console: OFF,
    },
    ...processors,
  });
  const tracer = trace.getTracer(NAME);
  const meter = metrics.getMeter(NAME);
  const logger = logs.getLogger(NAME);

  const requests = meter.createCounter(METRICS.requests, {
    description: 'Requests entering each state (draft, pending, approved, executing, completed, failed, …)',
    unit: '{request}',
  });
  const decisionTime = meter.createHistogram(METRICS.decisionTime, {
    description: 'From a request to its approval or rejection by an approver',
    unit: 's',
  });
  const activationTime = meter.createHistogram(METRICS.licenseActivationTime, {
    description:
      'From the approval (or an admin’s confirmation) of a license request to the license Active on every person',
    unit: 's',
  });
  const throttled = meter.createCounter(METRICS.graphThrottled, {
    description: 'Answers 429 (throttled) from Microsoft Graph or ARM, top-level or inside a $batch',
    unit: '{response}',
  });
  const failed = meter.createCounter(METRICS.failedExecutions, {
    description: 'Requests whose carrying out failed (reason: Microsoft’s error code, or crashed)',
    unit: '{request}',
  });

  setLogCorrelation({
    fields() {
      const span = trace.getActiveSpan();
      if (!span) return undefined;
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    forward(line) {
      // Emitted in the active context, so the record carries the same trace and span ids.
      logger.emit({
        severityNumber: SEVERITY[line.level],
        severityText: line.level.toUpperCase(),
        body: line.msg,
        attributes: attributesOf(line),
      });
    },
  });

  const ended = async <T>(span: Span, run: () => Promise<T>, after?: () => void): Promise<T> => {
    try {
      const result = await run();
      after?.();
      return result;
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  };

  return {
    enabled: true,

    turn<T>(describe: () => TurnInfo, run: () => Promise<T>, status: () => number | undefined): Promise<T> {
      const info = describe();
      const name = `turn ${info.activityType}${info.name ? ` ${info.name}` : ''}`;
      const attributes: Attributes = { 'dragon_desk.activity.type': info.activityType };
      if (info.name) attributes['dragon_desk.activity.name'] = info.name;
      if (info.verb) attributes['dragon_desk.card.verb'] = info.verb;
      if (info.conversationType) attributes['dragon_desk.conversation.type'] = info.conversationType;
      if (info.userId) attributes['enduser.id'] = info.userId;
      return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, (span) =>
        ended(span, run, () => {
          const code = status();
          if (code === undefined) return;
          span.setAttribute('http.response.status_code', code);
          if (code >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        }),
      );
    },

    execution<T>(request: { id: number; kind: string }, run: () => Promise<T>): Promise<T> {
      // A trace of its own: an approval click kicks the worker from inside its turn, but the turn
      // is answered long before the execution ends. The link still leads from one to the other.
      const kickedBy = trace.getActiveSpan()?.spanContext();
      return tracer.startActiveSpan(
        `execute ${request.kind}`,
        {
          kind: SpanKind.CONSUMER,
          root: true,
          links: kickedBy ? [{ context: kickedBy }] : [],
          attributes: { 'dragon_desk.request.id': request.id, 'dragon_desk.request.kind': request.kind },
        },
        (span) => ended(span, run),
      );
    },

    call<T>(info: TenantCallInfo, run: (recorder: TenantCallRecorder) => Promise<T>): Promise<T> {
      const base = new URL(info.baseUrl);
      const requestIdKey = `${info.service}.request_id`;
      const callAttributes = (method: string, path: string): [string, Attributes] => {
        const template = templatePath(path);
        return [
          `${method} ${template}`,
          {
            'http.request.method': method,
            'server.address': base.hostname,
            'url.full': `${base.origin}${template}`,
            'url.template': template,
            'dragon_desk.service': info.service,
          },
        ];
      };
      const [name, attributes] = callAttributes(info.method, info.path);
      return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const recorder: TenantCallRecorder = {
          response(status, requestId) {
            span.setAttribute('http.response.status_code', status);
            if (requestId) span.setAttribute(requestIdKey, requestId);
            if (isFailure(status)) span.setStatus({ code: SpanStatusCode.ERROR });
          },
          part(request, answer) {
            const [partName, partAttributes] = callAttributes(request.method, request.path);
            const part = tracer.startSpan(
              partName,
              { kind: SpanKind.CLIENT, attributes: { ...partAttributes, 'dragon_desk.in_batch': true } },
              trace.setSpan(context.active(), span),
            );
            part.setAttribute('http.response.status_code', answer.status);
            if (answer.requestId) part.setAttribute(requestIdKey, answer.requestId);
            if (answer.code) part.setAttribute('error.type', answer.code);
            if (isFailure(answer.status)) part.setStatus({ code: SpanStatusCode.ERROR, message: answer.code });
            part.end();
          },
        };
        try {
          return await run(recorder);
        } catch (err) {
          // A TenantError: what Microsoft answered, kept on the span for support.
          const e = err as { status?: unknown; code?: unknown; requestId?: unknown } | null;
          if (typeof e?.requestId === 'string') span.setAttribute(requestIdKey, e.requestId);
          if (typeof e?.code === 'string') span.setAttribute('error.type', e.code);
          if (typeof e?.status === 'number' && isFailure(e.status))
            span.setStatus({ code: SpanStatusCode.ERROR, message: typeof e.code === 'string' ? e.code : undefined });
          throw err;
        } finally {
          span.end();
        }
      });
    },

    throttled(info) {
      throttled.add(1, { service: info.service, in_batch: info.inBatch });
    },

    requestChanged(request: RequestFacts, event?: RequestEvent) {
      requests.add(1, { kind: request.kind, state: request.state });
      if ((event === 'approve' || event === 'reject') && request.decidedAt)
        decisionTime.record(secondsBetween(request.createdAt, request.decidedAt), {
          kind: request.kind,
          outcome: event === 'approve' ? 'approved' : 'rejected',
        });
      if (event === 'complete' && request.kind === 'license.assign' && request.decidedAt)
        activationTime.record(secondsBetween(request.decidedAt, request.updatedAt), { kind: request.kind });
      if (event === 'fail') failed.add(1, { kind: request.kind, reason: request.errorCode ?? 'unknown' });
    },

    executionCrashed(kind) {
      failed.add(1, { kind, reason: 'crashed' });
    },

    async shutdown() {
      setLogCorrelation(undefined);
      await shutdownAzureMonitor();
    },
  };
}
