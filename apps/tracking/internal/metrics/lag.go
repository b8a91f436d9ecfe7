package metrics

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// PartitionLag is one consumed partition's lag: messages written that the group has not committed.
type PartitionLag struct {
	Topic     string // the catalog's topic name (no prefix), as the kit labels it
	Partition int32
	Lag       int64
}

// LagReader reads the lag of every consumed partition from the brokers.
type LagReader func(ctx context.Context) ([]PartitionLag, error)

// lagCollector is kafka_consumer_lag_messages{topic, partition}, read at each scrape as the kit's
// gauge is; a failed read (the broker away) serves the last values.
type lagCollector struct {
	desc *prometheus.Desc
	read LagReader
	mu   sync.Mutex
	last []PartitionLag
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	// Short: a scrape must answer while the broker is away.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	lags, err := c.read(ctx)
	c.mu.Lock()
	if err == nil {
		c.last = lags
	} else {
		lags = c.last
	}
	c.mu.Unlock()
	for _, p := range lags {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(p.Lag), p.Topic, strconv.Itoa(int(p.Partition)))
	}
}

// RegisterLag adds kafka_consumer_lag_messages, read through read at each scrape.
func (m *Metrics) RegisterLag(read LagReader) {
	m.registerer.MustRegister(&lagCollector{
		desc: prometheus.NewDesc("kafka_consumer_lag_messages", "Messages on a consumed topic's partition that the service's consumer group has not committed yet", []string{"topic", "partition"}, nil),
		read: read,
	})
}
