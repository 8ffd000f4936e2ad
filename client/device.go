package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// RegisterDevice registers a phone for pushes with the push_token of a
// pairing URI; the member then has app_notification.
func (c *Client) RegisterDevice(ctx context.Context, pushToken, deviceName string) (*api.DeviceRegistration, error) {
	var out api.DeviceRegistration
	err := c.do(ctx, call{method: http.MethodPost, path: api.PathDeviceRegister,
		body: api.DeviceRegisterRequest{PushToken: pushToken, DeviceName: deviceName}, result: &out})
	if err != nil {
		return nil, err
	}
	if out.DeviceToken == "" {
		return nil, errEmpty("POST "+api.PathDeviceRegister, "device_token")
	}
	return &out, nil
}

// Notifications long-polls the phone's pending pushes for up to wait.
func (c *Client) Notifications(ctx context.Context, deviceToken string, wait time.Duration) ([]api.Notification, error) {
	secs := min(max(int(wait/time.Second), 0), api.MaxWait)
	var out []api.Notification
	err := c.do(ctx, call{method: http.MethodGet, path: api.PathDeviceNotification, bearer: deviceToken,
		query: url.Values{"wait": {strconv.Itoa(secs)}}, result: &out, wait: time.Duration(secs) * time.Second})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecideNotification approves (with the number the member typed) or denies a
// push. A wrong number denies it.
func (c *Client) DecideNotification(ctx context.Context, deviceToken, id, decision, matchNumber string) error {
	return c.do(ctx, call{method: http.MethodPost, path: api.PathNotification(id), bearer: deviceToken,
		body: api.NotificationDecision{Decision: decision, MatchNumber: matchNumber}})
}
