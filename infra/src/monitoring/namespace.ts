/** Where the cluster's monitoring runs: Prometheus, Alertmanager, Grafana and the trace collector. */
export const MONITORING_NAMESPACE = 'monitoring';

/** The trace collector's OTLP/HTTP port (the OpenTelemetry default) and in-cluster URL, set on every service as OTEL_EXPORTER_OTLP_ENDPOINT. */
export const OTLP_HTTP_PORT = 4318;
export const COLLECTOR_NAME = 'otel-collector';
export const otlpEndpoint = `http://${COLLECTOR_NAME}.${MONITORING_NAMESPACE}.svc.cluster.local:${OTLP_HTTP_PORT}`;
