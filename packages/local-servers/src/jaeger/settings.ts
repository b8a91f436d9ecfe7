import type { ServersConfig } from '../config.ts';

/**
 * Jaeger v2's configuration (an OpenTelemetry Collector's): OTLP over http in, spans kept in memory
 * (a local trace store, emptied by a restart), the query API and UI out. Every listener on loopback
 * at a port from config; the collector's own metrics endpoint is off, so no port is left at its default.
 * Written as JSON, which is YAML.
 */
export function jaegerSettings(config: ServersConfig): string {
  const { host, jaeger } = config;
  const settings = {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions: {
      jaeger_storage: { backends: { memstore: { memory: { max_traces: 20_000 } } } },
      jaeger_query: {
        storage: { traces: 'memstore' },
        // Its own spans would only add noise next to the services'.
        enable_tracing: false,
        http: { endpoint: `${host}:${jaeger.queryPort}` },
        grpc: { endpoint: `${host}:${jaeger.grpcPort}` },
      },
    },
    receivers: { otlp: { protocols: { http: { endpoint: `${host}:${jaeger.otlpPort}` } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  };
  return `${JSON.stringify(settings, null, 2)}\n`;
}
