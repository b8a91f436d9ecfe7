package consume

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"msa-platform/apps/tracking/internal/config"
	"msa-platform/apps/tracking/internal/metrics"
)

// LagReader reads the consumer group's lag from the brokers, not from the consumer itself (as the
// kit's ConsumerLag does), so it keeps growing while the consumer loop is dead or restarting.
type LagReader struct {
	cfg    *config.Config
	group  string
	topics []string
	mu     sync.Mutex
	admin  *kadm.Client
}

func NewLagReader(cfg *config.Config, group string) *LagReader {
	topics := make([]string, len(cfg.TopicsConsumed))
	for i, t := range cfg.TopicsConsumed {
		topics[i] = cfg.TopicPrefix + t
	}
	return &LagReader{cfg: cfg, group: group, topics: topics}
}

// Read is a metrics.LagReader: each consumed partition's end offset minus the group's committed offset.
func (r *LagReader) Read(ctx context.Context) ([]metrics.PartitionLag, error) {
	admin, err := r.client(ctx)
	if err != nil {
		return nil, err
	}
	ends, err := admin.ListEndOffsets(ctx, r.topics...)
	if err != nil {
		return nil, err
	}
	starts, err := admin.ListStartOffsets(ctx, r.topics...)
	if err != nil {
		return nil, err
	}
	committed, err := admin.FetchOffsets(ctx, r.group)
	if err != nil {
		return nil, err
	}
	return LagOf(r.cfg.TopicPrefix, ends, starts, committed), nil
}

func (r *LagReader) client(ctx context.Context) (*kadm.Client, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.admin != nil {
		return r.admin, nil
	}
	auth, err := authOptions(ctx, r.cfg)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(auth, kgo.SeedBrokers(r.cfg.KafkaBrokers...), kgo.ClientID(r.cfg.Service+"-lag"))...)
	if err != nil {
		return nil, err
	}
	r.admin = kadm.NewClient(cl)
	return r.admin, nil
}

// Close ends the admin client, if one was made.
func (r *LagReader) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.admin != nil {
		r.admin.Close()
		r.admin = nil
	}
}

// LagOf: per partition, the end offset minus the committed offset, or minus the log start before
// any commit (where the consumer would begin); labelled with the topic's catalog name.
func LagOf(prefix string, ends, starts kadm.ListedOffsets, committed kadm.OffsetResponses) []metrics.PartitionLag {
	var out []metrics.PartitionLag
	ends.Each(func(end kadm.ListedOffset) {
		if end.Err != nil {
			return
		}
		from := int64(-1)
		if c, ok := committed.Lookup(end.Topic, end.Partition); ok && c.Err == nil && c.At >= 0 {
			from = c.At
		} else if s, ok := starts.Lookup(end.Topic, end.Partition); ok && s.Err == nil {
			from = s.Offset
		}
		if from < 0 {
			return
		}
		out = append(out, metrics.PartitionLag{Topic: strings.TrimPrefix(end.Topic, prefix), Partition: end.Partition, Lag: max(0, end.Offset-from)})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}
