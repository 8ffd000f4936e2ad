package main

import (
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
)

func TestPickVersion(t *testing.T) {
	legacy := api.ConsoleVersion{Major: 7, Minor: 50, Build: 3572}
	cases := []struct {
		name       string
		flag       string
		remembered string
		want       api.ConsoleVersion
		wantErr    bool
		remembers  bool
	}{
		{name: "nothing set: the newest behaviour", want: client.DefaultVersion},
		{name: "the remembered version", remembered: "7.50.3572", want: legacy},
		{name: "the flag wins and is remembered", flag: "7.50.3572", remembered: "7.51.0", want: legacy, remembers: true},
		{name: "a malformed flag is refused", flag: "7.50", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefs := app.NewPreferences(app.NewMemoryPrefs())
			if tc.remembered != "" {
				v, err := api.ParseConsoleVersion(tc.remembered)
				if err != nil {
					t.Fatal(err)
				}
				prefs.SetVersion(v)
			}
			got, err := pickVersion(tc.flag, prefs)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if got != tc.want {
				t.Errorf("version = %s, want %s", got, tc.want)
			}
			if v, _ := prefs.Version(); tc.remembers && v != tc.want {
				t.Errorf("remembered %s, want %s", v, tc.want)
			}
		})
	}
}
