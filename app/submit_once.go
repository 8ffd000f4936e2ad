package app

// A code is checked once, whatever the keys: the code field submits itself at
// its last digit, and an Enter pressed right after must not cancel the check
// in flight (each action cancels the one running) nor send the code again.

// claimCode reports whether the code named by key (what it answers and the
// code) may be checked now: false when the same code for the same request is
// being checked or was accepted.
func (c *Controller) claimCode(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.submitted == key {
		c.log.Debug("the same code again: ignored")
		return false
	}
	c.submitted = key
	return true
}

// releaseCode lets the code of key be submitted again (it was refused, or the
// check did not run to its end).
func (c *Controller) releaseCode(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.submitted == key {
		c.submitted = ""
	}
}

// codeKey names one code for one request.
func codeKey(kind, id, code string) string { return kind + "\x00" + id + "\x00" + code }
