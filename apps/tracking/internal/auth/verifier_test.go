package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"msa-platform/apps/tracking/internal/auth"
	"msa-platform/apps/tracking/internal/authtest"
	"msa-platform/apps/tracking/internal/config"
)

var claims = authtest.Claims

func TestAValidDevIssuerTokenNamesItsCallerAndRoles(t *testing.T) {
	es := authtest.NewSigner(t, "dev", jwt.SigningMethodES256)
	caller, err := authtest.FileVerifier(t, "roles", es).Verify("Bearer " + es.Mint(t, claims(nil)))
	if err != nil || caller.Sub != "care-1" || !caller.Has(auth.OperatorRole) {
		t.Fatalf("%+v %v", caller, err)
	}
}

func TestTokensThatMustNotPass(t *testing.T) {
	es, other := authtest.NewSigner(t, "dev", jwt.SigningMethodES256), authtest.NewSigner(t, "dev", jwt.SigningMethodES256)
	stranger := authtest.NewSigner(t, "stranger", jwt.SigningMethodES256)
	v := authtest.FileVerifier(t, "roles", es)
	for _, c := range []struct{ name, header, want string }{
		{"none", "", "a bearer token is required"},
		{"not bearer", "Basic dXNlcjpwdw==", `not "Bearer <token>"`},
		{"expired (beyond the leeway)", "Bearer " + es.Mint(t, claims(jwt.MapClaims{"exp": time.Now().Add(-time.Minute).Unix()})), "(ERR_JWT_EXPIRED)"},
		{"without an expiry", "Bearer " + es.Mint(t, claims(jwt.MapClaims{"exp": nil})), "(ERR_JWT_CLAIM_VALIDATION_FAILED)"},
		{"another issuer", "Bearer " + es.Mint(t, claims(jwt.MapClaims{"iss": "urn:msa:dev-issuer:other-stack"})), "(ERR_JWT_CLAIM_VALIDATION_FAILED)"},
		{"another API's audience", "Bearer " + es.Mint(t, claims(jwt.MapClaims{"aud": "other-api"})), "not for this API (audience)"},
		{"no subject", "Bearer " + es.Mint(t, claims(jwt.MapClaims{"sub": nil})), "names no subject"},
		{"signed by a key not the issuer's", "Bearer " + other.Mint(t, claims(nil)), "(ERR_JWS_SIGNATURE_VERIFICATION_FAILED)"},
		{"an unknown key id", "Bearer " + stranger.Mint(t, claims(nil)), "(ERR_JWKS_NO_MATCHING_KEY)"},
		{"not yet valid", "Bearer " + es.Mint(t, claims(jwt.MapClaims{"nbf": time.Now().Add(time.Hour).Unix()})), "(ERR_JWT_CLAIM_VALIDATION_FAILED)"},
		{"malformed", "Bearer abc.def.ghi", "(ERR_JWT_INVALID)"},
	} {
		caller, err := v.Verify(c.header)
		var unauthorized *auth.Unauthorized
		if caller != nil || !errors.As(err, &unauthorized) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want %q, got %+v %v", c.name, c.want, caller, err)
		}
	}
}

func TestAnHS256TokenKeyedWithThePublicKeyIsRefused(t *testing.T) {
	// The classic algorithm confusion: the JWKS is public, so a symmetric token "signed" with it must not pass.
	es := authtest.NewSigner(t, "dev", jwt.SigningMethodES256)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	tok.Header["kid"] = "dev"
	forged, _ := tok.SignedString(authtest.JWKS(t, es))
	if _, err := authtest.FileVerifier(t, "roles", es).Verify("Bearer " + forged); err == nil {
		t.Fatal("an HS256 token verified")
	}
}

func TestACustomerTokenCarriesNoOperatorRole(t *testing.T) {
	es := authtest.NewSigner(t, "dev", jwt.SigningMethodES256)
	caller, err := authtest.FileVerifier(t, "roles", es).Verify("Bearer " + es.Mint(t, claims(jwt.MapClaims{"sub": "customer-7", "roles": []string{}})))
	if err != nil || caller.Sub != "customer-7" || caller.Has(auth.OperatorRole) {
		t.Fatalf("%+v %v", caller, err)
	}
}

func TestRolesMayBeASpaceSeparatedString(t *testing.T) {
	es := authtest.NewSigner(t, "dev", jwt.SigningMethodES256)
	caller, err := authtest.FileVerifier(t, "scope", es).Verify("Bearer " + es.Mint(t, claims(jwt.MapClaims{"scope": "read operator"})))
	if err != nil || !caller.Has(auth.OperatorRole) {
		t.Fatalf("%+v %v", caller, err)
	}
}

// Cognito: RS256 keys behind a JWKS URL (https in the cloud; plain http on loopback here), access
// tokens name the app client in client_id (no aud), groups in cognito:groups.
func TestACognitoAccessTokenFromAJwksUrl(t *testing.T) {
	rs := authtest.NewSigner(t, "cognito-1", jwt.SigningMethodRS256)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(authtest.JWKS(t, rs)) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v, err := auth.New(ctx, config.Auth{Issuer: authtest.Issuer, Audience: "app-client", JWKS: srv.URL + "/.well-known/jwks.json", RolesClaim: "cognito:groups"})
	if err != nil {
		t.Fatal(err)
	}
	tok := rs.Mint(t, claims(jwt.MapClaims{"aud": nil, "roles": nil, "client_id": "app-client", "cognito:groups": []string{"operator"}, "token_use": "access"}))
	if caller, err := v.Verify("Bearer " + tok); err != nil || !caller.Has(auth.OperatorRole) {
		t.Fatalf("%+v %v", caller, err)
	}
	other := rs.Mint(t, claims(jwt.MapClaims{"aud": nil, "client_id": "another-client"}))
	if _, err := v.Verify("Bearer " + other); err == nil || !strings.Contains(err.Error(), "audience") {
		t.Fatalf("want audience refused, got %v", err)
	}
}

func TestAMissingJwksFileStopsTheStartNamingTheVariable(t *testing.T) {
	_, err := auth.New(context.Background(), config.Auth{Issuer: authtest.Issuer, Audience: authtest.Audience, JWKS: "/nonexistent/jwks.json", RolesClaim: "roles"})
	if err == nil || !strings.HasPrefix(err.Error(), "AUTH_JWKS: cannot read a JWKS from /nonexistent/jwks.json") {
		t.Fatalf("got %v", err)
	}
}
