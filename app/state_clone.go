package app

import (
	"slices"

	"github.com/remotesupport/techconsole/api"
)

// clone returns a State that shares nothing mutable with s. The controller
// edits its own State in place as actions progress; what it hands to
// subscribers and to State() must not change under the reader's feet, nor be
// read by another goroutine while the controller writes it.
func (s State) clone() State {
	s.User = cloneUser(s.User)
	s.Lockouts = slices.Clone(s.Lockouts)
	if s.Challenge != nil {
		c := *s.Challenge
		c.Others = slices.Clone(c.Others)
		s.Challenge = &c
	}
	if s.Setup != nil {
		v := *s.Setup
		v.Authenticator = clonePtr(v.Authenticator)
		v.Backup = clonePtr(v.Backup)
		v.VerifyBackup = clonePtr(v.VerifyBackup)
		if v.Pairing != nil {
			p := *v.Pairing
			p.QRPNG = slices.Clone(p.QRPNG)
			v.Pairing = &p
		}
		v.BackupOptions = slices.Clone(v.BackupOptions)
		s.Setup = &v
	}
	if s.TwoStep != nil {
		v := *s.TwoStep
		v.Methods = slices.Clone(v.Methods)
		s.TwoStep = &v
	}
	if s.Alert != nil {
		a := *s.Alert
		a.Missing = slices.Clone(a.Missing)
		s.Alert = &a
	}
	return s
}

func cloneUser(u *api.User) *api.User {
	if u == nil {
		return nil
	}
	c := *u
	c.Roles = slices.Clone(u.Roles)
	c.Group = clonePtr(u.Group)
	c.TwoStep.Methods = slices.Clone(u.TwoStep.Methods)
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
