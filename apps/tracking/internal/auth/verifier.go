// Package auth verifies callers' bearer tokens as the service kit does (packages/service-kit/src/http/auth.ts):
// signed by the stack's issuer (a JWKS URL or file), its `iss`, audience (`aud` or Cognito's
// `client_id`), expiry, a subject; roles from the configured claim.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"msa-platform/apps/tracking/internal/config"
)

// OperatorRole is the kit's OPERATOR_ROLE (Cognito's group of the same name): customer care.
const OperatorRole = "operator"

// Asymmetric only, as the kit: the dev issuer signs ES256, Cognito RS256; an HS256 token signed
// with a public key as its secret must never verify.
var algorithms = []string{"ES256", "RS256"}

// The kit's leeway for clocks a little apart (jose's clockTolerance: 5).
const leeway = 5 * time.Second

// Caller is who called: the token's subject and roles, as verified.
type Caller struct {
	Sub   string
	Roles []string
}

// Has reports whether the caller holds role.
func (c *Caller) Has(role string) bool { return slices.Contains(c.Roles, role) }

// Unauthorized says why a token was refused; the message names no secret, so it is safe to answer.
type Unauthorized struct{ Reason string }

func (e *Unauthorized) Error() string { return e.Reason }

// Verifier checks bearer tokens against one issuer.
type Verifier struct {
	opts   config.Auth
	keys   jwt.Keyfunc
	parser *jwt.Parser
}

// New opens the issuer's keys: a JWKS file is read once, now (as the kit's createLocalJWKSet); a
// URL is fetched in the background and refreshed hourly or on an unknown key id, until ctx ends.
func New(ctx context.Context, opts config.Auth) (*Verifier, error) {
	var k keyfunc.Keyfunc
	var err error
	if strings.HasPrefix(opts.JWKS, "http://") || strings.HasPrefix(opts.JWKS, "https://") {
		k, err = keyfunc.NewDefaultOverrideCtx(ctx, []string{opts.JWKS}, keyfunc.Override{HTTPTimeout: 5 * time.Second})
	} else {
		var raw []byte
		if raw, err = os.ReadFile(opts.JWKS); err == nil {
			k, err = keyfunc.NewJWKSetJSON(json.RawMessage(raw))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("AUTH_JWKS: cannot read a JWKS from %s: %w", opts.JWKS, err)
	}
	parser := jwt.NewParser(jwt.WithValidMethods(algorithms), jwt.WithIssuer(opts.Issuer), jwt.WithExpirationRequired(), jwt.WithLeeway(leeway))
	return &Verifier{opts: opts, keys: k.Keyfunc, parser: parser}, nil
}

var bearerRe = regexp.MustCompile(`(?i)^Bearer ([A-Za-z0-9._~+/-]+=*)$`)

// Verify checks an Authorization header value; the caller, or *Unauthorized saying why not.
func (v *Verifier) Verify(header string) (*Caller, error) {
	m := bearerRe.FindStringSubmatch(header)
	if m == nil {
		if header == "" {
			return nil, &Unauthorized{"a bearer token is required (Authorization: Bearer <token>)"}
		}
		return nil, &Unauthorized{`the Authorization header is not "Bearer <token>"`}
	}
	claims := jwt.MapClaims{}
	if _, err := v.parser.ParseWithClaims(m[1], claims, v.keys); err != nil {
		return nil, &Unauthorized{fmt.Sprintf("the bearer token is not valid (%s)", reason(err))}
	}
	if !forAudience(claims, v.opts.Audience) {
		return nil, &Unauthorized{"the bearer token is not for this API (audience)"}
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return nil, &Unauthorized{"the bearer token names no subject"}
	}
	return &Caller{Sub: sub, Roles: rolesOf(claims[v.opts.RolesClaim])}, nil
}

// reason names why a token failed with jose's codes, so a client reads the same word from every service.
func reason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "ERR_JWT_EXPIRED"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing), errors.Is(err, jwt.ErrTokenInvalidIssuer), errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "ERR_JWT_CLAIM_VALIDATION_FAILED"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
	case errors.Is(err, keyfunc.ErrKeyfunc), errors.Is(err, jwt.ErrTokenUnverifiable):
		// No key of the issuer's set fits the token's kid and alg (or alg is not one we accept).
		return "ERR_JWKS_NO_MATCHING_KEY"
	}
	return "ERR_JWT_INVALID"
}

// Cognito's access tokens carry no `aud`; they name the app client in `client_id` instead.
func forAudience(c jwt.MapClaims, audience string) bool {
	aud, _ := c.GetAudience()
	clientID, _ := c["client_id"].(string)
	return slices.Contains(aud, audience) || clientID == audience
}

// rolesOf reads a string array (the dev issuer's `roles`, Cognito's `cognito:groups`) or a
// space-separated string (a scope-like claim), as the kit does.
func rolesOf(v any) []string {
	out := []string{}
	switch r := v.(type) {
	case []any:
		for _, x := range r {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = strings.Fields(r)
	}
	return out
}
