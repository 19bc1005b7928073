// Without APPLICATIONINSIGHTS_CONNECTION_STRING there is no telemetry at all: the Azure Monitor
// distro is never loaded, no OpenTelemetry provider is registered (spans are the API's no-op
// ones), and a turn through the real HTTP edge works as before.
import { metrics as otelMetrics, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { loadConfig } from '../../src/config';
import { telemetryOn } from '../../src/telemetry';
import { startTelemetry } from '../../src/telemetry/start';
import { ROOT, startHarness } from '../http/helpers';

let mockDistroLoaded = false;
jest.mock('@azure/monitor-opentelemetry', () => {
  mockDistroLoaded = true;
  return jest.requireActual('@azure/monitor-opentelemetry');
});

describe('telemetry off (no APPLICATIONINSIGHTS_CONNECTION_STRING)', () => {
  it('starts nothing: no distro, no provider, no recording span, and turns are served as before', async () => {
    const config = loadConfig({ PORT: '0' }, ROOT);
    expect(config.telemetry).toBeUndefined();
    expect(await startTelemetry(config.telemetry)).toBeUndefined();

    const h = await startHarness();
    try {
      const replies = await h.say('pia', { text: 'AADSTS53003 on Android 15 on the phone itself' });
      expect(replies.length).toBeGreaterThan(0);
    } finally {
      await h.stop();
    }

    expect(mockDistroLoaded).toBe(false);
    expect(telemetryOn()).toBe(false);
    const delegate = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
    expect(delegate.constructor.name).toBe('NoopTracerProvider');
    expect(otelMetrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
  });
});
