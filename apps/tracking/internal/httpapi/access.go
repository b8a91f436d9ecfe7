package httpapi

import (
	"net/http"

	"msa-platform/apps/tracking/internal/auth"
)

// Authenticator verifies an Authorization header: the caller, or an error saying why not.
type Authenticator interface {
	Verify(header string) (*auth.Caller, error)
}

// requireRole answers 401 (no valid token) or 403 (no role) before the handler runs, so before the
// request is validated (the kit's preValidation): an anonymous caller learns nothing of the API.
func (s *Server) requireRole(role string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.auth.Verify(r.Header.Get("Authorization"))
		if err != nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			problem(w, r, 401, "UNAUTHENTICATED", "Unauthorized", err.Error(), []map[string]string{{"field": "headers.authorization", "message": err.Error()}})
			return
		}
		if !caller.Has(role) {
			problem(w, r, 403, "FORBIDDEN", "Forbidden", `this operation needs the "`+role+`" role`, nil)
			return
		}
		next(w, r)
	}
}
