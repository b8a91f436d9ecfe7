package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"msa-platform/apps/tracking/internal/authtest"
	"msa-platform/apps/tracking/internal/config"
	"msa-platform/apps/tracking/internal/httpapi"
	"msa-platform/apps/tracking/internal/journey"
	"msa-platform/apps/tracking/internal/metrics"
)

// emptyModel answers as a read model with no order yet; the store itself is proven by journey's
// tests and the system tests, this file proves who may ask.
type emptyModel struct{}

func (emptyModel) Journey(context.Context, string) (*journey.Journey, error) { return nil, nil }
func (emptyModel) Summary(context.Context) (*journey.Summary, error) {
	return &journey.Summary{InFlightBySku: map[string]int64{}}, nil
}
func (emptyModel) Ping(context.Context) error { return nil }

func server(t *testing.T) (*httptest.Server, authtest.Signer) {
	es := authtest.NewSigner(t, "dev", jwt.SigningMethodES256)
	cfg := &config.Config{Service: "tracking", Version: "test", HealthPath: "/healthz", ReadinessPath: "/readyz", MetricsPath: "/metrics", OpenAPIPath: "/openapi.json"}
	api := httpapi.New(cfg, emptyModel{}, metrics.New("tracking", "test"), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, authtest.FileVerifier(t, "roles", es))
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv, es
}

func get(t *testing.T, url, token string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res, body
}

func TestBothApiPathsNeedAnOperatorToken(t *testing.T) {
	srv, es := server(t)
	operator := es.Mint(t, authtest.Claims(nil))
	customer := es.Mint(t, authtest.Claims(jwt.MapClaims{"sub": "customer-7", "roles": []string{}}))
	for _, path := range []string{"/summary", "/journeys/6f1c1f4e-3b5a-4a4e-9d8e-2f3c4b5a6d7e"} {
		res, body := get(t, srv.URL+path, "")
		if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != "Bearer" || res.Header.Get("Content-Type") != "application/problem+json; charset=utf-8" ||
			body["code"] != "UNAUTHENTICATED" || body["type"] != "urn:msa:problem:unauthenticated" || body["instance"] != path {
			t.Errorf("%s without a token: %d %v %v", path, res.StatusCode, res.Header, body)
		}
		res, body = get(t, srv.URL+path, customer)
		if res.StatusCode != 403 || body["code"] != "FORBIDDEN" || body["detail"] != `this operation needs the "operator" role` {
			t.Errorf("%s as a customer: %d %v", path, res.StatusCode, body)
		}
		if res, body = get(t, srv.URL+path, operator); res.StatusCode != 200 && res.StatusCode != 404 {
			t.Errorf("%s as an operator: %d %v", path, res.StatusCode, body)
		}
	}
}

func TestAnExpiredTokenIsRefusedBeforeTheRequestIsJudged(t *testing.T) {
	srv, es := server(t)
	expired := es.Mint(t, authtest.Claims(jwt.MapClaims{"exp": 1_000_000}))
	// An invalid orderId would be a 400; without a valid token the caller learns only that it needs one.
	res, body := get(t, srv.URL+"/journeys/not-a-uuid", expired)
	fields, _ := body["fields"].([]any)
	if res.StatusCode != 401 || body["detail"] != "the bearer token is not valid (ERR_JWT_EXPIRED)" || len(fields) != 1 {
		t.Fatalf("%d %v", res.StatusCode, body)
	}
}

func TestThePlatformPathsStayOpen(t *testing.T) {
	srv, _ := server(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		if res, _ := get(t, srv.URL+path, ""); res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}

func TestTheOpenApiDocumentDeclaresTheBearerSchemeAnd401And403OnEachApiPath(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security  []map[string][]string
			Responses map[string]any
		}
		Components struct{ SecuritySchemes map[string]map[string]string }
	}
	if err := json.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s["type"] != "http" || s["scheme"] != "bearer" || s["bearerFormat"] != "JWT" {
		t.Fatalf("bearerAuth: %v", s)
	}
	for _, path := range []string{"/journeys/{orderId}", "/summary"} {
		op := doc.Paths[path]["get"]
		if len(op.Security) != 1 || op.Security[0]["bearerAuth"] == nil || op.Responses["401"] == nil || op.Responses["403"] == nil {
			t.Errorf("%s: %+v", path, op)
		}
	}
}
