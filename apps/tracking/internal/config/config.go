// Package config reads the service's settings from its environment once, at start: what the
// catalog resolves for it (packages/catalog's serviceEnv) plus the store URL and its own knobs.
// Every problem names its variable, like the kit's loadEnv.
package config

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type Config struct {
	Service, Version, Host string
	Port                   int
	TopicPrefix            string
	TopicsConsumed         []string
	HealthPath             string
	ReadinessPath          string
	MetricsPath            string
	OpenAPIPath            string
	KafkaBrokers           []string
	// KafkaAuth is none (plain text, local) or aws-iam (MSK: TLS and IAM tokens for AWSRegion), as the kit's.
	KafkaAuth, AWSRegion string
	RedisURL             string
	RedisKeyPrefix       string
	LogLevel             string
	MaxAttempts          int
	RetryBase, RetryMax  time.Duration
	ShutdownTimeout      time.Duration
	// How long an event id is remembered, so a redelivery changes nothing (the kit's PROCESSED_RETENTION_MS).
	ProcessedRetention time.Duration
	Auth               Auth
}

// Auth is the stack's token issuer (serviceEnv's AUTH_*): every service verifies callers against it.
type Auth struct {
	Issuer, Audience string
	// JWKS is an http(s):// URL or an absolute path to a JWKS file.
	JWKS string
	// RolesClaim lists a caller's roles: `roles` from the dev issuer, `cognito:groups` from Cognito.
	RolesClaim string
}

// Error lists every invalid variable at once.
type Error struct{ Issues []string }

func (e *Error) Error() string {
	return "The service cannot start; its environment is invalid:\n  - " + strings.Join(e.Issues, "\n  - ")
}

var (
	pathRe   = regexp.MustCompile(`^/[A-Za-z0-9/_.-]*$`)
	prefixRe = regexp.MustCompile(`^[a-zA-Z0-9._-]*$`)
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	jwksRe   = regexp.MustCompile(`^(https?://|/)`)
)

// Load validates the environment; lookup is os.LookupEnv in production.
func Load(lookup func(string) (string, bool)) (*Config, error) {
	r := reader{lookup: lookup}
	c := &Config{
		Service:            r.required("SERVICE_NAME"),
		Version:            r.str("SERVICE_VERSION", "dev"),
		Host:               r.str("HOST", "127.0.0.1"),
		Port:               r.integer("PORT", -1, 0, 65535),
		TopicPrefix:        r.match("TOPIC_PREFIX", "", prefixRe, "letters, digits, '.', '_', '-'"),
		TopicsConsumed:     r.list("TOPICS_CONSUMED"),
		HealthPath:         r.match("HEALTH_PATH", "/healthz", pathRe, "an absolute path such as /healthz"),
		ReadinessPath:      r.match("READINESS_PATH", "/readyz", pathRe, "an absolute path such as /readyz"),
		MetricsPath:        r.match("METRICS_PATH", "/metrics", pathRe, "an absolute path such as /metrics"),
		OpenAPIPath:        r.match("OPENAPI_PATH", "/openapi.json", pathRe, "an absolute path such as /openapi.json"),
		KafkaBrokers:       r.list("KAFKA_BROKERS"),
		KafkaAuth:          r.str("KAFKA_AUTH", "none"),
		AWSRegion:          r.str("AWS_REGION", ""),
		RedisURL:           r.required("REDIS_URL"),
		RedisKeyPrefix:     r.str("REDIS_KEY_PREFIX", ""),
		LogLevel:           r.str("LOG_LEVEL", "info"),
		MaxAttempts:        r.integer("CONSUMER_MAX_ATTEMPTS", 4, 1, 1000),
		RetryBase:          r.millis("CONSUMER_RETRY_BASE_MS", 100),
		RetryMax:           r.millis("CONSUMER_RETRY_MAX_MS", 5000),
		ShutdownTimeout:    r.millis("SHUTDOWN_TIMEOUT_MS", 10000),
		ProcessedRetention: r.millis("PROCESSED_RETENTION_MS", 14*24*3600*1000),
		// Required, as in the kit: no service runs without authentication.
		Auth: Auth{
			Issuer:     r.required("AUTH_ISSUER"),
			Audience:   r.required("AUTH_AUDIENCE"),
			JWKS:       r.match("AUTH_JWKS", "", jwksRe, "an http(s):// JWKS URL or an absolute path to a JWKS file"),
			RolesClaim: r.str("AUTH_ROLES_CLAIM", "roles"),
		},
	}
	if len(c.KafkaBrokers) == 0 {
		r.issue("KAFKA_BROKERS", "at least one host:port")
	}
	if !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") && c.RedisURL != "" {
		r.issue("REDIS_URL", "a redis:// or rediss:// URL")
	}
	if c.KafkaAuth != "none" && c.KafkaAuth != "aws-iam" {
		r.issue("KAFKA_AUTH", fmt.Sprintf("none or aws-iam, not %q", c.KafkaAuth))
	}
	if c.KafkaAuth == "aws-iam" && !regionRe.MatchString(c.AWSRegion) {
		r.issue("AWS_REGION", "an AWS region such as eu-west-1 (KAFKA_AUTH=aws-iam signs its tokens for it)")
	}
	if len(r.issues) > 0 {
		return nil, &Error{Issues: r.issues}
	}
	return c, nil
}

// FromEnv is Load over the process environment.
func FromEnv() (*Config, error) { return Load(os.LookupEnv) }

type reader struct {
	lookup func(string) (string, bool)
	issues []string
}

func (r *reader) issue(name, msg string) { r.issues = append(r.issues, name+": "+msg) }

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && v != "" {
		return v
	}
	return def
}

func (r *reader) required(name string) string {
	v := r.str(name, "")
	if v == "" {
		r.issue(name, "required")
	}
	return v
}

func (r *reader) match(name, def string, re *regexp.Regexp, want string) string {
	v := r.str(name, def)
	if !re.MatchString(v) {
		r.issue(name, want)
	}
	return v
}

func (r *reader) list(name string) []string {
	out := []string{}
	for _, p := range strings.Split(r.str(name, ""), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (r *reader) integer(name string, def, lo, hi int) int {
	raw := r.str(name, "")
	if raw == "" {
		if def < lo {
			r.issue(name, "required")
		}
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		r.issue(name, fmt.Sprintf("an integer from %d to %d, not %q", lo, hi, raw))
	}
	return n
}

func (r *reader) millis(name string, def int) time.Duration {
	return time.Duration(r.integer(name, def, 0, 1<<31-1)) * time.Millisecond
}
