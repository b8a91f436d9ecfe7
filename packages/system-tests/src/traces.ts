/** One span as Jaeger's query API (/api/traces/{id}) returns it, with its service resolved. */
export interface StoredSpan {
  spanId: string;
  traceId: string;
  service: string;
  operation: string;
  /** The parent span's id (CHILD_OF reference); undefined for the trace's root. */
  parentId: string | undefined;
  tags: Record<string, unknown>;
}

interface JaegerTrace {
  traceID: string;
  spans: { traceID: string; spanID: string; operationName: string; processID: string; references?: { refType: string; spanID: string }[]; tags?: { key: string; value: unknown }[] }[];
  processes: Record<string, { serviceName: string }>;
}

/** The spans of one trace held by the trace store at queryUrl; empty while it holds none. */
export async function readTrace(queryUrl: string, traceId: string): Promise<StoredSpan[]> {
  const res = await fetch(`${queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5_000) });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`${queryUrl} answered ${res.status} for trace ${traceId}: ${await res.text()}`);
  const body = (await res.json()) as { data?: JaegerTrace[] };
  return (body.data ?? []).flatMap((t) =>
    t.spans.map((s) => ({
      spanId: s.spanID,
      traceId: s.traceID,
      service: t.processes[s.processID]?.serviceName ?? '?',
      operation: s.operationName,
      parentId: s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID,
      tags: Object.fromEntries((s.tags ?? []).map((tag) => [tag.key, tag.value])),
    })),
  );
}
