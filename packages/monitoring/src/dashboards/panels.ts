import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** One PromQL query of a panel and the legend each of its series gets. */
export interface Query {
  expr: string;
  legend: string;
}

const target = (q: Query, i: number) => new DataqueryBuilder().expr(q.expr).legendFormat(q.legend).refId(String.fromCharCode(65 + i));

/** A time series panel; `unit` is a Grafana unit id (reqps, s, short, percentunit, ...). */
export function timeseries(title: string, description: string, unit: string, queries: Query[], width = 12): cog.Builder<dashboard.Panel> {
  const panel = new TimeseriesBuilder().title(title).description(description).unit(unit).height(8).span(width);
  queries.forEach((q, i) => panel.withTarget(target(q, i)));
  return panel;
}

/** A single figure (the latest value); red from `redFrom` upwards when given. */
export function stat(title: string, description: string, unit: string, query: Query, width = 6): cog.Builder<dashboard.Panel> {
  return new StatBuilder().title(title).description(description).unit(unit).height(4).span(width).withTarget(target(query, 0));
}
