// Package assets holds the console's embedded resources.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon: a console with a verified shield.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

//go:embed icon.svg
var iconSVG []byte

// Symbol is the icon as SVG, for drawing it small inside the window: it
// rasterises at the size shown instead of decoding and scaling the 512 px PNG.
var Symbol = fyne.NewStaticResource("icon.svg", iconSVG)

// Two-step method icons for which Fyne's theme has none. The shapes are
// Material Design icons (Apache License 2.0), the set Fyne's own icons come
// from, so they sit well beside them.
var (
	//go:embed method-sms.svg
	smsSVG []byte
	//go:embed method-notification.svg
	notificationSVG []byte
	//go:embed method-authenticator.svg
	authenticatorSVG []byte

	// MethodSMS is a speech bubble: a code by text message.
	MethodSMS = fyne.NewStaticResource("method-sms.svg", smsSVG)
	// MethodNotification is a bell: a sign-in request pushed to the phone app.
	MethodNotification = fyne.NewStaticResource("method-notification.svg", notificationSVG)
	// MethodAuthenticator is a phone with a padlock: a code from the authenticator app.
	MethodAuthenticator = fyne.NewStaticResource("method-authenticator.svg", authenticatorSVG)
)
