package main

import (
	"fmt"
	"image"
	_ "image/jpeg" // screenshots of a QR code are often JPEG
	_ "image/png"
	"os"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// readQR returns the text of the QR code in an image file: the otpauth URI
// that the console's setup screen shows (or a screenshot of it).
func readQR(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read QR code: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return "", fmt.Errorf("read QR code %s: not a PNG or JPEG image: %w", path, err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("read QR code %s: %w", path, err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", fmt.Errorf("read QR code %s: no QR code found in the image", path)
	}
	return res.GetText(), nil
}
