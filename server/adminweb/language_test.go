package adminweb_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/remotesupport/techconsole/i18n"
	"github.com/remotesupport/techconsole/server/servertest"
)

// getIn GETs path with an Accept-Language header.
func (b *browser) getIn(path, acceptLanguage string) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", acceptLanguage)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	return b.keep(resp)
}

var htmlLang = regexp.MustCompile(`<html lang="([^"]+)">`)

// TestPagesSpeakTheBrowsersLanguageUntilOneIsChosen: the sign-in page
// follows Accept-Language; the selector's choice (a cookie) wins over it
// and is remembered; choosing the browser's language again forgets it.
func TestPagesSpeakTheBrowsersLanguageUntilOneIsChosen(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	for _, tc := range []struct{ accept, lang, signIn string }{
		{"de-DE,de;q=0.9,en;q=0.5", "de", "Anmelden"},
		{"pt-BR", "pt", "Entrar"},
		{"ja, nl;q=0.5", "nl", "Aanmelden"},
		{"", "en", "Sign in"},
	} {
		_, body := b.getIn("/admin/login", tc.accept)
		if m := htmlLang.FindStringSubmatch(body); m == nil || m[1] != tc.lang {
			t.Errorf("Accept-Language %q: html lang %v, want %s", tc.accept, m, tc.lang)
		}
		if !strings.Contains(body, ">"+tc.signIn+"</button>") {
			t.Errorf("Accept-Language %q: no %q button", tc.accept, tc.signIn)
		}
	}
	status, body := b.post("/admin/language", url.Values{"lang": {"fr"}, "back": {"/admin/login"}}, true)
	if status != http.StatusOK || !strings.Contains(body, ">Se connecter</button>") {
		t.Fatalf("after choosing Français: HTTP %d\n%s", status, body)
	}
	if _, body := b.getIn("/admin/login", "de"); !strings.Contains(body, `<html lang="fr">`) {
		t.Errorf("the chosen language does not win over Accept-Language")
	}
	b.post("/admin/language", url.Values{"lang": {""}, "back": {"/admin/login"}}, true)
	if _, body := b.getIn("/admin/login", "it"); !strings.Contains(body, `<html lang="it">`) {
		t.Errorf("after choosing the browser's language again the page is not in Italian")
	}
	if status, _ := b.post("/admin/language", url.Values{"lang": {"xx"}}, true); status != http.StatusBadRequest {
		t.Errorf("an unknown language: HTTP %d, want 400", status)
	}
	if status, _ := b.post("/admin/language", url.Values{"lang": {"fr"}}, false); status != http.StatusForbidden {
		t.Errorf("a language form without the CSRF token: HTTP %d, want 403", status)
	}
	// the selector only goes back to the Admin Center's own pages
	b.post("/admin/language", url.Values{"lang": {"de"}, "back": {"//evil.example/admin/"}}, true)
	if !strings.Contains(b.last, `<html lang="de">`) || !strings.Contains(b.last, "/admin/login") {
		t.Errorf("back to another site was followed:\n%s", b.last)
	}
}

// TestAuditTimesFollowTheLanguage: the audit log's times use the
// language's date layout.
func TestAuditTimesFollowTheLanguage(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	for _, tc := range []struct {
		lang string
		at   *regexp.Regexp
	}{
		{"en", regexp.MustCompile(`>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<`)},
		{"fr", regexp.MustCompile(`>\d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC<`)},
		{"de", regexp.MustCompile(`>\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC<`)},
		{"nl", regexp.MustCompile(`>\d\d-\d\d-\d{4} \d\d:\d\d:\d\d UTC<`)},
	} {
		b.get("/admin/audit")
		if status, body := b.post("/admin/language", url.Values{"lang": {tc.lang}, "back": {"/admin/audit"}}, true); status != http.StatusOK || !tc.at.MatchString(body) {
			t.Errorf("%s: HTTP %d, no time like %s in the audit log", tc.lang, status, tc.at)
		}
	}
}

// syncBuffer is a log the server writes from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEveryPageInEveryLanguage signs in as the master administrator in each
// language and opens every page: none lacks a text in that language (the
// pages log each one they lack).
func TestEveryPageInEveryLanguage(t *testing.T) {
	var log syncBuffer
	inst := servertest.Start(t, servertest.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	ids := memberIDs(t, inst)
	tags := []string{i18n.PseudoTag}
	for _, l := range i18n.Languages {
		tags = append(tags, l.Tag)
	}
	for _, tag := range tags {
		b := newBrowser(t, inst)
		b.get("/admin/login")
		b.post("/admin/language", url.Values{"lang": {tag}, "back": {"/admin/login"}}, true)
		b.post("/admin/login", url.Values{"username": {"admin"}, "password": {inst.AdminPassword}}, true)
		for _, page := range []string{"/admin/members", "/admin/members/new", "/admin/members/" + ids["henry"],
			"/admin/groups", "/admin/settings", "/admin/audit", "/admin/password", "/admin/outbox", "/admin/no-such-page"} {
			b.get(page)
			if m := htmlLang.FindStringSubmatch(b.last); m == nil || m[1] != tag {
				t.Errorf("%s %s: html lang %v", tag, page, m)
			}
		}
		b.post("/admin/members/reset", url.Values{"id": {ids["bob"]}}, true)
		b.post("/admin/settings", url.Values{"primary_method": {"sms"}, "technicians": {"all"}}, true)
	}
	if strings.Contains(log.String(), "missing translation") {
		t.Errorf("pages lack texts:\n%s", log.String())
	}
}
