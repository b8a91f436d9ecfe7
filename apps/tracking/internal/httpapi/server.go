// Package httpapi serves the read model and the platform's paths (health, readiness, metrics,
// OpenAPI) with the kit's conventions: RFC 9457 problem details, the same readiness body, bearer
// tokens on the API paths (the platform's paths stay open, as the kit's).
package httpapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"msa-platform/apps/tracking/internal/auth"
	"msa-platform/apps/tracking/internal/config"
	"msa-platform/apps/tracking/internal/journey"
	"msa-platform/apps/tracking/internal/metrics"
)

//go:embed openapi.json
var OpenAPI []byte

// ReadModel is what the API reads.
type ReadModel interface {
	Journey(ctx context.Context, orderID string) (*journey.Journey, error)
	Summary(ctx context.Context) (*journey.Summary, error)
	Ping(ctx context.Context) error
}

// Check is one readiness check: its state ("ok" or why not); required ones take the replica out.
type Check struct {
	Name     string
	Required bool
	State    func(ctx context.Context) string
}

type Server struct {
	cfg          *config.Config
	model        ReadModel
	m            *metrics.Metrics
	log          *slog.Logger
	checks       []Check
	auth         Authenticator
	ShuttingDown atomic.Bool
}

func New(cfg *config.Config, model ReadModel, m *metrics.Metrics, log *slog.Logger, checks []Check, authn Authenticator) *Server {
	return &Server{cfg: cfg, model: model, m: m, log: log, checks: checks, auth: authn}
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *Server) Handler() http.Handler {
	mux := &getOnly{http.NewServeMux()}
	mux.HandleFunc("GET "+s.cfg.HealthPath, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]string{"status": "ok", "service": s.cfg.Service, "version": s.cfg.Version})
	})
	mux.HandleFunc("GET "+s.cfg.ReadinessPath, func(w http.ResponseWriter, r *http.Request) {
		ready, report := s.Readiness(r.Context())
		writeJSON(w, map[bool]int{true: 200, false: 503}[ready], report)
	})
	prom := promhttp.HandlerFor(s.m.Registry, promhttp.HandlerOpts{})
	mux.HandleFunc("GET "+s.cfg.MetricsPath, func(w http.ResponseWriter, r *http.Request) {
		s.Readiness(r.Context()) // so the readiness gauges are current at every scrape
		prom.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET "+s.cfg.OpenAPIPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPI)
	})
	// Customer care reads any order's journey: both API paths need the operator role.
	mux.HandleFunc("GET /journeys/{orderId}", s.requireRole(auth.OperatorRole, s.getJourney))
	mux.HandleFunc("GET /summary", s.requireRole(auth.OperatorRole, s.getSummary))
	mux.ServeMux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, r, 404, "NOT_FOUND", "Not Found", "no route "+r.Method+" "+r.URL.Path, nil)
	})
	return s.instrument(mux.ServeMux)
}

// getOnly registers each "GET <path>" route for every method, answering any other than GET or
// HEAD with 405, Allow and a problem document (the kit's rule for undeclared methods), not the
// catch-all's 404.
type getOnly struct{ *http.ServeMux }

func (m *getOnly) HandleFunc(pattern string, h http.HandlerFunc) {
	m.ServeMux.HandleFunc(strings.TrimPrefix(pattern, "GET "), func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			problem(w, r, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed", r.Method+" is not allowed on "+r.URL.Path, nil)
			return
		}
		h(w, r)
	})
}

func (s *Server) getJourney(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("orderId")
	if !uuidRe.MatchString(id) {
		problem(w, r, 400, "VALIDATION_FAILED", "Bad Request", "params/orderId must match format \"uuid\"", []map[string]string{{"field": "params.orderId", "message": "must be a uuid"}})
		return
	}
	j, err := s.model.Journey(r.Context(), id)
	if err != nil {
		s.unavailable(w, r, err)
		return
	}
	if j == nil {
		problem(w, r, 404, "NOT_FOUND", "Not Found", "journey "+id+" not found", nil)
		return
	}
	writeJSON(w, 200, j)
}

func (s *Server) getSummary(w http.ResponseWriter, r *http.Request) {
	sum, err := s.model.Summary(r.Context())
	if err != nil {
		s.unavailable(w, r, err)
		return
	}
	writeJSON(w, 200, sum)
}

// unavailable: the store cannot answer now; a caller may retry (the kit answers a database outage so).
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Warn("read model unavailable", "err", err, "path", r.URL.Path)
	w.Header().Set("Retry-After", "5")
	problem(w, r, 503, "SERVICE_UNAVAILABLE", "Service Unavailable", "the read model's store is unavailable; retry later", nil)
}

// Readiness runs every check: not ready when shutting down or a required check fails.
func (s *Server) Readiness(ctx context.Context) (bool, map[string]any) {
	ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	checks := map[string]string{}
	ready, degraded := !s.ShuttingDown.Load(), false
	if !ready {
		checks["shutdown"] = "in progress"
	}
	for _, c := range s.checks {
		state := c.State(ctx)
		checks[c.Name] = state
		s.m.DependencyUp.WithLabelValues(c.Name).Set(map[bool]float64{true: 1, false: 0}[state == "ok"])
		if state != "ok" {
			if c.Required {
				ready = false
			} else {
				degraded = true
			}
		}
	}
	status := "ok"
	if !ready {
		status = "unavailable"
	} else if degraded {
		status = "degraded"
	}
	for _, st := range []string{"ok", "degraded", "unavailable"} {
		s.m.Readiness.WithLabelValues(st).Set(map[bool]float64{true: 1, false: 0}[st == status])
	}
	return ready, map[string]any{"ready": ready, "status": status, "checks": checks}
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

var braces = regexp.MustCompile(`\{([^}]+)\}`)

// instrument records http_request_duration_seconds by route template (Fastify's spelling, /journeys/:orderId).
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: 200}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if i := strings.IndexByte(route, ' '); i >= 0 {
			route = route[i+1:]
		}
		if route == "/" || route == "" {
			route = "unmatched"
		}
		route = braces.ReplaceAllString(route, ":$1")
		s.m.HTTPDuration.WithLabelValues(r.Method, route, strconv.Itoa(rec.status)).Observe(time.Since(start).Seconds())
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// problem answers RFC 9457 details in the kit's shape: one type URI per stable code (its problemType).
func problem(w http.ResponseWriter, r *http.Request, status int, code, title, detail string, fields []map[string]string) {
	body := map[string]any{"type": "urn:msa:problem:" + strings.ReplaceAll(strings.ToLower(code), "_", "-"), "title": title, "status": status, "detail": detail, "instance": r.URL.Path, "code": code}
	if fields != nil {
		body["fields"] = fields
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
