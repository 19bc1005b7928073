// Counters an operator watches — diagnoses by code, escalations, TAPs issued, notices sent and
// failed — exposed at GET /metrics in the Prometheus text format (Azure Monitor's managed
// Prometheus and Application Insights' Prometheus scraping both read it).
export type Labels = Record<string, string>;

const HELP: Record<string, string> = {
  passkey_diagnoses_total: 'Diagnoses made, by main finding code',
  passkey_escalations_total: 'Help-desk tickets opened',
  passkey_taps_issued_total: 'Temporary Access Passes issued through the help desk',
  passkey_exemptions_granted_total: 'Temporary exemptions granted',
  passkey_notices_total: 'Proactive notices, by outcome (sent, undeliverable, failed)',
  passkey_exemption_removals_overdue: 'Exemptions whose window has ended but whose removal from the exemption group has not succeeded yet',
};

/** Names reported as gauges (a value set, not counted up). */
const GAUGES = new Set(['passkey_exemption_removals_overdue']);

export class Metrics {
  private readonly counters = new Map<string, number>();

  inc(name: string, labels: Labels = {}, by = 1): void {
    const key = `${name}${format(labels)}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  /** Sets a gauge (e.g. how many exemption removals are overdue right now). */
  set(name: string, value: number, labels: Labels = {}): void {
    GAUGES.add(name);
    this.counters.set(`${name}${format(labels)}`, value);
  }

  value(name: string, labels: Labels = {}): number {
    return this.counters.get(`${name}${format(labels)}`) ?? 0;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    const names = new Set([...Object.keys(HELP), ...[...this.counters.keys()].map((k) => k.split('{')[0])]);
    for (const name of [...names].sort()) {
      lines.push(`# HELP ${name} ${HELP[name] ?? name}`, `# TYPE ${name} ${GAUGES.has(name) ? 'gauge' : 'counter'}`);
      const series = [...this.counters.entries()].filter(([k]) => k.split('{')[0] === name);
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
