// What an operator watches, in a prom-client Registry served at GET /metrics (Prometheus text
// format; Azure Monitor's managed Prometheus and any Prometheus scraper read it):
//  - the business counters: diagnoses by code, escalations, TAPs issued, exemptions granted,
//    notices by outcome, and the gauge of overdue exemption removals;
//  - HTTP: requests by method, route and status, and their duration (server.ts observes them);
//  - the process: CPU, memory, heap, event-loop lag, handles (prom-client's default metrics,
//    collected only once the /metrics listener is on).
// With Application Insights on (src/telemetry), the business counters are also recorded as
// OpenTelemetry metrics and exported there (customMetrics); /metrics stays prom-client's.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { otelCount, otelGauge } from './telemetry';

export type Labels = Record<string, string>;

/**
 * What the domain counts through (the conversation, the help desk, the notices): passed in by the
 * composition root, so no module reaches for the process-wide registry on its own.
 */
export interface Counters {
  inc(name: string, labels?: Labels, by?: number): void;
  set(name: string, value: number, labels?: Labels): void;
}

interface Known {
  help: string;
  type: 'counter' | 'gauge';
  labels: string[];
}

const KNOWN: Record<string, Known> = {
  passkey_diagnoses_total: { help: 'Diagnoses made, by main finding code', type: 'counter', labels: ['code'] },
  passkey_escalations_total: { help: 'Help-desk tickets opened', type: 'counter', labels: [] },
  passkey_taps_issued_total: { help: 'Temporary Access Passes issued through the help desk', type: 'counter', labels: [] },
  passkey_exemptions_granted_total: { help: 'Temporary exemptions granted', type: 'counter', labels: [] },
  passkey_notices_total: { help: 'Proactive notices, by outcome (sent, undeliverable, failed)', type: 'counter', labels: ['outcome'] },
  passkey_exemption_removals_overdue: { help: 'Exemptions whose window has ended but whose removal from the exemption group has not succeeded yet', type: 'gauge', labels: [] },
};

/** Seconds; from a loopback probe (1 ms) to a turn that waited on a slow Graph (30 s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type HttpLabels = 'method' | 'route' | 'status_code';

export class Metrics implements Counters {
  /** Everything /metrics serves. */
  readonly registry = new Registry();
  private readonly instruments = new Map<string, Counter<string> | Gauge<string>>();
  /** The business series' current values, by name{labels} (value() and render() read them synchronously). */
  private readonly values = new Map<string, number>();
  private readonly httpRequests: Counter<HttpLabels>;
  private readonly httpDuration: Histogram<HttpLabels>;
  private processMetrics = false;

  constructor() {
    for (const [name, known] of Object.entries(KNOWN)) this.instrument(name, known.type, known.labels);
    this.httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by method, route and status code', labelNames: ['method', 'route', 'status_code'], registers: [this.registry] });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request (POST /api/messages: the whole turn), by method, route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  private instrument(name: string, type: 'counter' | 'gauge', labelNames: string[]): Counter<string> | Gauge<string> {
    let instrument = this.instruments.get(name);
    if (!instrument) {
      const options = { name, help: KNOWN[name]?.help ?? name, labelNames, registers: [this.registry] };
      instrument = type === 'gauge' ? new Gauge(options) : new Counter(options);
      this.instruments.set(name, instrument);
    }
    return instrument;
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const key = `${name}${format(labels)}`;
    this.values.set(key, (this.values.get(key) ?? 0) + by);
    (this.instrument(name, 'counter', Object.keys(labels)) as Counter<string>).inc(labels, by);
    otelCount(name, labels, by, KNOWN[name]?.help);
  }

  /** Sets a gauge (e.g. how many exemption removals are overdue right now). */
  set(name: string, value: number, labels: Labels = {}): void {
    this.values.set(`${name}${format(labels)}`, value);
    (this.instrument(name, 'gauge', Object.keys(labels)) as Gauge<string>).set(labels, value);
    otelGauge(name, labels, value, KNOWN[name]?.help);
  }

  value(name: string, labels: Labels = {}): number {
    return this.values.get(`${name}${format(labels)}`) ?? 0;
  }

  /** One HTTP request answered (server.ts). */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Adds the process metrics (prom-client's defaults) to /metrics; once, when the listener starts. */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** GET /metrics: everything in the registry, Prometheus text format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of exposition(). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The business series only, in the same text format, synchronously (tests read a gauge with it). */
  render(): string {
    const lines: string[] = [];
    const names = new Set([...Object.keys(KNOWN), ...[...this.values.keys()].map((k) => k.split('{')[0])]);
    for (const name of [...names].sort()) {
      const type = this.instruments.get(name) instanceof Gauge ? 'gauge' : 'counter';
      lines.push(`# HELP ${name} ${KNOWN[name]?.help ?? name}`, `# TYPE ${name} ${type}`);
      const series = [...this.values.entries()].filter(([k]) => k.split('{')[0] === name);
      if (series.length === 0) lines.push(`${name} 0`);
      for (const [k, v] of series.sort()) lines.push(`${k} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function format(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/** The process's counters. */
export const metrics = new Metrics();
