package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"image/png"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// The pairing QR code must be readable whatever the length of its URI (the
// push URL's port, the username): a reader needs a quiet zone around the
// code, and the scale to a fixed size once left none for some lengths.
func TestPairingQRCodeReadsAtEveryLength(t *testing.T) {
	// Tokens and ports as the server makes them, but reproducible; the range
	// holds case 423, which the code scaled to fill 256 px without a quiet zone
	// could not be read at (about 1 in 700 pairings failed so).
	for i := 380; i < 460; i++ {
		token := sha256.Sum256([]byte(strconv.Itoa(i)))
		uri := otpauthURI("erin", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") + "&push_token=" + base64.RawURLEncoding.EncodeToString(token[:]) +
			"&push_url=http%3A%2F%2F127.0.0.1%3A" + strconv.Itoa(1024+i*37%64000)
		b64, err := qrPNG(uri)
		if err != nil {
			t.Fatalf("length %d: %v", len(uri), err)
		}
		raw, _ := base64.StdEncoding.DecodeString(b64)
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("length %d: %v", len(uri), err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
		if err != nil || res.GetText() != uri {
			t.Errorf("case %d, URI of %d characters: QR code not read back (%v)", i, len(uri), err)
		}
	}
}
