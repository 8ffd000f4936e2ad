package main

import (
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
)

// languageChoice picks the window's language: --lang for this run, else the
// one remembered from View > Language, else the OS locale's. The OS locale is
// read once at start, before the console names its choice in the
// environment for Fyne.
type languageChoice struct {
	prefs *app.Preferences
	flag  string
	os    string
}

func newLanguageChoice(prefs *app.Preferences, flag string, getenv func(string) string) *languageChoice {
	return &languageChoice{prefs: prefs, flag: flag, os: i18n.FromEnv(getenv)}
}

// start is the language to draw in when the console starts.
func (l *languageChoice) start() string {
	switch {
	case l.flag != "":
		return i18n.Match(l.flag)
	case l.prefs.Language() != "":
		return i18n.Match(l.prefs.Language())
	}
	return l.os
}

// set remembers View > Language's choice ("": the OS locale's) and says
// which language to draw in.
func (l *languageChoice) set(tag string) (string, error) {
	l.prefs.SetLanguage(tag)
	if tag == "" {
		return l.os, nil
	}
	return i18n.Match(tag), nil
}
