package consume

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	"msa-platform/apps/tracking/internal/events"
)

// Kind says what a failed attempt means, as the kit's classifyFailure does
// (packages/service-kit/src/messaging/failure.ts): permanent dead-letters at once, transient retries
// for as long as it lasts and never dead-letters, unknown gets CONSUMER_MAX_ATTEMPTS tries.
type Kind string

const (
	Permanent Kind = "permanent"
	Transient Kind = "transient"
	Unknown   Kind = "unknown"
)

// Redis replies that say "not now" rather than "never": a server loading its data, busy with a
// script, a replica or cluster in failover, out of memory until eviction catches up, or refusing a
// user an operator is changing (the way the kit treats PostgreSQL's 28 class).
var transientReply = regexp.MustCompile(`^(LOADING|BUSY|READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|NOREPLICAS|OOM|NOAUTH|WRONGPASS|NOPERM)\b`)

var transientMessage = regexp.MustCompile(`(?i)connection refused|connection reset|broken pipe|i/o timeout|use of closed network connection|pool timeout|client is closed`)

func Classify(err error) Kind {
	var invalid *events.InvalidError
	switch {
	case errors.As(err, &invalid):
		return Permanent
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return Transient
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return Transient
	}
	msg := strings.TrimPrefix(err.Error(), "redis: ")
	if transientReply.MatchString(msg) || transientMessage.MatchString(msg) {
		return Transient
	}
	return Unknown
}
