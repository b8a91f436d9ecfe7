// Package metrics: the kit's metric names, types, labels and meanings (packages/service-kit/src/metrics.ts),
// so the platform's alerts and dashboards read a Go service as they read the others.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type Metrics struct {
	Registry                  *prometheus.Registry
	registerer                prometheus.Registerer
	HTTPDuration              *prometheus.HistogramVec
	Consumed                  *prometheus.CounterVec
	DeadLetters               *prometheus.CounterVec
	ConsumerUp                prometheus.Gauge
	ConsumerRestarts          prometheus.Counter
	ConsumerTransientFailures *prometheus.CounterVec
	ConsumerRetrySeconds      prometheus.Gauge
	DependencyUp              *prometheus.GaugeVec
	Readiness                 *prometheus.GaugeVec
}

// New makes one registry per process; every series is labelled with the service's name.
func New(service, version string) *Metrics {
	reg := prometheus.NewRegistry()
	r := prometheus.WrapRegistererWith(prometheus.Labels{"service": service}, reg)
	r.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "service_info", Help: "The release this process runs (SERVICE_VERSION)"}, []string{"version"})
	m := &Metrics{
		Registry:   reg,
		registerer: r,
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "HTTP request duration by route and status",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"method", "route", "status"}),
		Consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kafka_messages_consumed_total", Help: "Messages handled by outcome: processed, duplicate, ignored, dead_lettered",
		}, []string{"topic", "outcome"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kafka_dead_letters_total",
			Help: "Messages sent to the dead-letter topic, by source topic and reason: invalid_message (not an event envelope), permanent (the handler refused it), attempts_exhausted (an unknown failure outlived CONSUMER_MAX_ATTEMPTS)",
		}, []string{"topic", "reason"}),
		ConsumerUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kafka_consumer_up", Help: "1 while the consumer is in its group and consuming (also while it waits on a transient failure), 0 while starting or restarting",
		}),
		ConsumerRestarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kafka_consumer_restarts_total", Help: "Times the consumer loop died (offset commit or dead-letter send failed, group lost) and was rebuilt",
		}),
		ConsumerTransientFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kafka_consumer_transient_failures_total", Help: "Failed attempts at a message that will be retried, not dead-lettered (store away)",
		}, []string{"topic"}),
		ConsumerRetrySeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kafka_consumer_transient_failure_seconds", Help: "How long the message in hand has been failing transiently; 0 when none is",
		}),
		DependencyUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "service_dependency_up", Help: "Each readiness check: 1 when ok, 0 when not (redis, kafka, consumer, ...)",
		}, []string{"check"}),
		Readiness: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "service_readiness_status", Help: "1 for the status the service reports on its readiness endpoint (ok, degraded, unavailable), 0 for the others",
		}, []string{"status"}),
	}
	r.MustRegister(info, m.HTTPDuration, m.Consumed, m.DeadLetters, m.ConsumerUp, m.ConsumerRestarts, m.ConsumerTransientFailures, m.ConsumerRetrySeconds, m.DependencyUp, m.Readiness)
	info.WithLabelValues(version).Set(1)
	return m
}
