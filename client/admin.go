package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/remotesupport/techconsole/api"
)

// Admin Center calls take an administrator's access token.

// Settings returns the two-step settings.
func (c *Client) Settings(ctx context.Context, accessToken string) (*api.TwoStepSettings, error) {
	var out api.TwoStepSettings
	if err := c.do(ctx, call{method: http.MethodGet, path: api.PathAdminSettings, bearer: accessToken, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutSettings changes the two-step settings; a new primary method resets
// everyone (ResetMembers says how many).
func (c *Client) PutSettings(ctx context.Context, accessToken string, s api.TwoStepSettings) (*api.TwoStepSettings, error) {
	var out api.TwoStepSettings
	if err := c.do(ctx, call{method: http.MethodPut, path: api.PathAdminSettings, bearer: accessToken, body: s, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Groups lists the technician groups.
func (c *Client) Groups(ctx context.Context, accessToken string) ([]api.Group, error) {
	var out []api.Group
	if err := c.do(ctx, call{method: http.MethodGet, path: api.PathAdminGroups, bearer: accessToken, result: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateGroup creates a technician group.
func (c *Client) CreateGroup(ctx context.Context, accessToken string, req api.GroupRequest) (*api.Group, error) {
	var out api.Group
	if err := c.do(ctx, call{method: http.MethodPost, path: api.PathAdminGroups, bearer: accessToken, body: req, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateGroup edits a technician group.
func (c *Client) UpdateGroup(ctx context.Context, accessToken, id string, req api.GroupRequest) (*api.Group, error) {
	var out api.Group
	if err := c.do(ctx, call{method: http.MethodPatch, path: api.PathAdminGroup(id), bearer: accessToken, body: req, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Members lists the members the caller may see.
func (c *Client) Members(ctx context.Context, accessToken string) ([]api.Member, error) {
	var out []api.Member
	if err := c.do(ctx, call{method: http.MethodGet, path: api.PathAdminMembers, bearer: accessToken, result: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// Member returns one member.
func (c *Client) Member(ctx context.Context, accessToken, id string) (*api.Member, error) {
	var out api.Member
	if err := c.do(ctx, call{method: http.MethodGet, path: api.PathAdminMember(id), bearer: accessToken, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateMember creates a member.
func (c *Client) CreateMember(ctx context.Context, accessToken string, req api.MemberRequest) (*api.Member, error) {
	var out api.Member
	if err := c.do(ctx, call{method: http.MethodPost, path: api.PathAdminMembers, bearer: accessToken, body: req, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateMember edits a member.
func (c *Client) UpdateMember(ctx context.Context, accessToken, id string, req api.MemberRequest) (*api.Member, error) {
	var out api.Member
	if err := c.do(ctx, call{method: http.MethodPatch, path: api.PathAdminMember(id), bearer: accessToken, body: req, result: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetTwoStep forces a two-step verification reset of one member.
func (c *Client) ResetTwoStep(ctx context.Context, accessToken, memberID string) error {
	return c.do(ctx, call{method: http.MethodPost, path: api.PathAdminMemberReset(memberID), bearer: accessToken})
}

// Audit returns the newest limit audit events.
func (c *Client) Audit(ctx context.Context, accessToken string, limit int) ([]api.AuditEvent, error) {
	var out []api.AuditEvent
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: api.PathAdminAudit, bearer: accessToken, query: q, result: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// Outbox returns the SMS and email the server "sent" to to ("" for all),
// newest first; 404 not_found when the server runs without --dev.
func (c *Client) Outbox(ctx context.Context, to string) ([]api.OutboxMessage, error) {
	var out []api.OutboxMessage
	q := url.Values{}
	if to != "" {
		q.Set("to", to)
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: api.PathDevOutbox, query: q, result: &out}); err != nil {
		return nil, err
	}
	return out, nil
}
