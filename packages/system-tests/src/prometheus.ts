/** An alert as Prometheus's /api/v1/alerts or Alertmanager's /api/v2/alerts reports it. */
export interface ReportedAlert {
  labels: Record<string, string>;
  /** Prometheus: pending or firing; Alertmanager: active, suppressed or unprocessed. */
  state: string;
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

/** Alerts Prometheus holds now (pending or firing) with this name. */
export async function prometheusAlerts(prometheusUrl: string, alertname: string): Promise<ReportedAlert[]> {
  const body = await getJson(`${prometheusUrl}/api/v1/alerts`);
  return (body.data.alerts as ReportedAlert[]).filter((a) => a.labels.alertname === alertname);
}

/** Alerts Alertmanager has received and not yet seen resolved, with this name. */
export async function alertmanagerAlerts(alertmanagerUrl: string, alertname: string): Promise<ReportedAlert[]> {
  const body = (await getJson(`${alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`)) as any[];
  return body.map((a) => ({ labels: a.labels, state: a.status.state }));
}

/** The samples of an instant query, as label sets with their values. */
export async function promQuery(prometheusUrl: string, expr: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const body = await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (body.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}
