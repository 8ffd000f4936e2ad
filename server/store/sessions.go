package store

import "time"

// Sessions keeps the refresh-token families.
type Sessions interface {
	InsertSession(Session) error
	Session(id string) (Session, error)
	RevokeSession(id string, at time.Time, reason string) error
	// SetSessionMFA records that the session passed two-step verification at at.
	SetSessionMFA(id string, at time.Time) error
	RevokeMemberSessions(memberID string, at time.Time, reason string) error
	RevokeOtherSessions(memberID, keepSessionID string, at time.Time, reason string) error
}

// Tokens keeps the sessions' access and refresh tokens.
type Tokens interface {
	InsertAccessToken(AccessToken) error
	AccessToken(hash string) (AccessToken, error)
	InsertRefreshToken(RefreshToken) error
	RefreshToken(hash string) (RefreshToken, error)
	UseRefreshToken(hash string, at time.Time) error
}

// Session is one refresh-token family.
type Session struct {
	ID             string
	MemberID       string
	CreatedAt      time.Time
	ExpiresAt      time.Time // end of the family
	MFAAt          time.Time // when two-step verification was passed; zero if never
	RevokedAt      time.Time
	RevokeReason   string
	ConsoleVersion string
	ClientAddress  string
}

// AccessToken is a short-lived bearer token of a session.
type AccessToken struct {
	Hash      string
	SessionID string
	ExpiresAt time.Time
}

// RefreshToken is one member of a session's refresh family.
type RefreshToken struct {
	Hash      string
	SessionID string
	CreatedAt time.Time
	UsedAt    time.Time
}
