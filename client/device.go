package client

import (
	"context"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// RegisterDevice registers a phone for pushes with the push_token of a
// pairing URI; the member then has app_notification.
func (c *Client) RegisterDevice(ctx context.Context, pushToken, deviceName string) (*api.DeviceRegistration, error) {
	out, err := fetch[api.DeviceRegistration](ctx, c, call{method: http.MethodPost, path: api.PathDeviceRegister,
		body: api.DeviceRegisterRequest{PushToken: pushToken, DeviceName: deviceName}})
	if err != nil {
		return nil, err
	}
	if out.DeviceToken == "" {
		return nil, errEmpty("POST "+api.PathDeviceRegister, "device_token")
	}
	return out, nil
}

// Notifications long-polls the phone's pending pushes for up to wait.
func (c *Client) Notifications(ctx context.Context, deviceToken string, wait time.Duration) ([]api.Notification, error) {
	return fetchList[api.Notification](ctx, c, longPoll(call{method: http.MethodGet, path: api.PathDeviceNotification, bearer: deviceToken}, wait))
}

// DecideNotification approves (with the number the member typed) or denies a
// push. A wrong number denies it.
func (c *Client) DecideNotification(ctx context.Context, deviceToken, id, decision, matchNumber string) error {
	return c.do(ctx, call{method: http.MethodPost, path: api.PathNotification(id), bearer: deviceToken,
		body: api.NotificationDecision{Decision: decision, MatchNumber: matchNumber}})
}
