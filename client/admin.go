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
	return fetch[api.TwoStepSettings](ctx, c, call{method: http.MethodGet, path: api.PathAdminSettings, bearer: accessToken})
}

// PutSettings changes the two-step settings; a new primary method resets
// everyone (ResetMembers says how many).
func (c *Client) PutSettings(ctx context.Context, accessToken string, s api.TwoStepSettings) (*api.TwoStepSettings, error) {
	return fetch[api.TwoStepSettings](ctx, c, call{method: http.MethodPut, path: api.PathAdminSettings, bearer: accessToken, body: s})
}

// Groups lists the technician groups.
func (c *Client) Groups(ctx context.Context, accessToken string) ([]api.Group, error) {
	return fetchList[api.Group](ctx, c, call{method: http.MethodGet, path: api.PathAdminGroups, bearer: accessToken})
}

// CreateGroup creates a technician group.
func (c *Client) CreateGroup(ctx context.Context, accessToken string, req api.GroupRequest) (*api.Group, error) {
	return fetch[api.Group](ctx, c, call{method: http.MethodPost, path: api.PathAdminGroups, bearer: accessToken, body: req})
}

// UpdateGroup edits a technician group.
func (c *Client) UpdateGroup(ctx context.Context, accessToken, id string, req api.GroupRequest) (*api.Group, error) {
	return fetch[api.Group](ctx, c, call{method: http.MethodPatch, path: api.PathAdminGroup(id), bearer: accessToken, body: req})
}

// MembersQuery selects a page of members: at most Limit (0: the server's
// default, 100), after the cursor After ("" for the first page), whose
// username or display name contains Search ("" for all).
type MembersQuery struct {
	Limit  int
	After  string
	Search string
}

// MembersPage returns a page of the members the caller may see, in username
// order, and the cursor of the next page ("" on the last).
func (c *Client) MembersPage(ctx context.Context, accessToken string, mq MembersQuery) ([]api.Member, string, error) {
	q := url.Values{}
	if mq.Limit > 0 {
		q.Set("limit", strconv.Itoa(mq.Limit))
	}
	if mq.After != "" {
		q.Set("after", mq.After)
	}
	if mq.Search != "" {
		q.Set("q", mq.Search)
	}
	var h http.Header
	out, err := fetchList[api.Member](ctx, c, call{method: http.MethodGet, path: api.PathAdminMembers, bearer: accessToken, query: q, header: &h})
	if err != nil {
		return nil, "", err
	}
	return out, h.Get(api.NextCursorHeader), nil
}

// Members lists all the members the caller may see, page after page (for a
// small organisation; a large one pages with MembersPage).
func (c *Client) Members(ctx context.Context, accessToken string) ([]api.Member, error) {
	var all []api.Member
	mq := MembersQuery{Limit: 1000}
	for {
		page, next, err := c.MembersPage(ctx, accessToken, mq)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		mq.After = next
	}
}

// Member returns one member.
func (c *Client) Member(ctx context.Context, accessToken, id string) (*api.Member, error) {
	return fetch[api.Member](ctx, c, call{method: http.MethodGet, path: api.PathAdminMember(id), bearer: accessToken})
}

// CreateMember creates a member.
func (c *Client) CreateMember(ctx context.Context, accessToken string, req api.MemberRequest) (*api.Member, error) {
	return fetch[api.Member](ctx, c, call{method: http.MethodPost, path: api.PathAdminMembers, bearer: accessToken, body: req})
}

// UpdateMember edits a member.
func (c *Client) UpdateMember(ctx context.Context, accessToken, id string, req api.MemberRequest) (*api.Member, error) {
	return fetch[api.Member](ctx, c, call{method: http.MethodPatch, path: api.PathAdminMember(id), bearer: accessToken, body: req})
}

// ResetTwoStep forces a two-step verification reset of one member.
func (c *Client) ResetTwoStep(ctx context.Context, accessToken, memberID string) error {
	return c.do(ctx, call{method: http.MethodPost, path: api.PathAdminMemberReset(memberID), bearer: accessToken})
}

// ResetAllFactors resets every two-step factor of one member, the backup
// included (master administrators only).
func (c *Client) ResetAllFactors(ctx context.Context, accessToken, memberID string) error {
	return c.do(ctx, call{method: http.MethodPost, path: api.PathAdminMemberReset(memberID), bearer: accessToken,
		body: api.ResetRequest{IncludeBackup: true}})
}

// Audit returns the newest limit audit events.
func (c *Client) Audit(ctx context.Context, accessToken string, limit int) ([]api.AuditEvent, error) {
	out, _, err := c.AuditPage(ctx, accessToken, limit, "")
	return out, err
}

// AuditPage returns at most limit audit events older than the cursor after
// ("" for the newest), newest first, and the cursor of the next page ("" on
// the last).
func (c *Client) AuditPage(ctx context.Context, accessToken string, limit int, after string) ([]api.AuditEvent, string, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if after != "" {
		q.Set("after", after)
	}
	var h http.Header
	out, err := fetchList[api.AuditEvent](ctx, c, call{method: http.MethodGet, path: api.PathAdminAudit, bearer: accessToken, query: q, header: &h})
	if err != nil {
		return nil, "", err
	}
	return out, h.Get(api.NextCursorHeader), nil
}

// Outbox returns the SMS and email the server "sent" to to ("" for all),
// newest first; 404 not_found when the server runs without --dev.
func (c *Client) Outbox(ctx context.Context, to string) ([]api.OutboxMessage, error) {
	q := url.Values{}
	if to != "" {
		q.Set("to", to)
	}
	return fetchList[api.OutboxMessage](ctx, c, call{method: http.MethodGet, path: api.PathDevOutbox, query: q})
}
