package server

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters every authenticator app understands.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	totpSkew   = 1
)

func totpOpts() totp.ValidateOpts {
	return totp.ValidateOpts{Period: totpPeriod, Skew: 0, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}
}

// matchTOTP returns the time step (±1 around now) at which code is valid for
// the base32 secret, and whether one matched. Replay protection is the
// caller's: a step at or before the factor's last accepted step is refused.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		at := time.Unix((step+d)*totpPeriod, 0)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts())
		if err != nil {
			return 0, false
		}
		if constantTimeEqual(want, code) {
			return step + d, true
		}
	}
	return 0, false
}
