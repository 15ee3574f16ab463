// The type each generated dashboard must satisfy: @grafana/schema's `Dashboard`, with its
// string enums turned into their literal values (a dashboard file is plain JSON, so
// `"mode": "thresholds"` must match `FieldColorModeId.Thresholds`).
import type { AnnotationQuery, Dashboard } from "@grafana/schema";

export type Jsonify<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Jsonify<U>>
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T;

// The schema's annotation query is datasource-neutral; Grafana's Prometheus datasource also
// reads these keys of it (grafana-prometheus/src/annotations.ts). Nothing else is added.
type PrometheusAnnotation = Jsonify<AnnotationQuery> & {
  expr?: string;
  step?: string;
  titleFormat?: string;
  tagKeys?: string;
  textFormat?: string;
  useValueForTime?: boolean;
};

export type GeneratedDashboard = Omit<Jsonify<Dashboard>, "annotations"> & {
  annotations?: { list?: Array<PrometheusAnnotation> };
};
