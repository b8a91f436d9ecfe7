// Package authtest is a token issuer for tests: real keys, a real JWKS file, tokens signed like the
// dev issuer's (ES256) or Cognito's (RS256), so the verifier under test runs unchanged.
package authtest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"msa-platform/apps/tracking/internal/auth"
	"msa-platform/apps/tracking/internal/config"
)

// Issuer and Audience are what the dev issuer of the `test` stack puts in its tokens.
const Issuer, Audience = "urn:msa:dev-issuer:test", "msa-api"

// Signer is an issuer's key.
type Signer struct {
	KID    string
	Method jwt.SigningMethod
	key    crypto.Signer
}

// NewSigner makes a fresh key: jwt.SigningMethodES256 (dev issuer) or jwt.SigningMethodRS256 (Cognito).
func NewSigner(t testing.TB, kid string, method jwt.SigningMethod) Signer {
	t.Helper()
	var key crypto.Signer
	var err error
	if method == jwt.SigningMethodES256 {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	return Signer{kid, method, key}
}

// Mint signs claims with the key, naming its kid as issuers do.
func (s Signer) Mint(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(s.Method, claims)
	tok.Header["kid"] = s.KID
	out, err := tok.SignedString(s.key)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Claims are a valid operator's claims for Issuer and Audience, changed by over (a nil value removes a claim).
func Claims(over jwt.MapClaims) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"iss": Issuer, "aud": Audience, "sub": "care-1", "roles": []string{auth.OperatorRole}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// JWKS is the public key set of signers, as an issuer publishes it.
func JWKS(t testing.TB, signers ...Signer) []byte {
	t.Helper()
	set := jwkset.NewMemoryStorage()
	for _, s := range signers {
		meta := jwkset.JWKMetadataOptions{KID: s.KID, ALG: jwkset.ALG(s.Method.Alg()), USE: jwkset.UseSig}
		jwk, err := jwkset.NewJWKFromKey(s.key.Public(), jwkset.JWKOptions{Metadata: meta})
		if err != nil {
			t.Fatal(err)
		}
		if err := set.KeyWrite(context.Background(), jwk); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := set.JSONPublic(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// FileVerifier trusts signers through a JWKS file, as the local stack's services do.
func FileVerifier(t testing.TB, rolesClaim string, signers ...Signer) *auth.Verifier {
	t.Helper()
	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, JWKS(t, signers...), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := auth.New(context.Background(), config.Auth{Issuer: Issuer, Audience: Audience, JWKS: file, RolesClaim: rolesClaim})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
