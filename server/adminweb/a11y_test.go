package adminweb_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Every page the browser tests stop at (each c.shot) is also checked for
// accessibility: axe-core's WCAG 2.x A/AA rules with no serious or critical
// violation, a label on every form field, and at 200 % zoom in a 1280 px wide
// window (a 640 CSS px viewport at device scale 2) no horizontal scrolling and
// nothing cut off. axe-core comes from npm through scripts/axe-core.sh (make
// deps); it is evaluated through DevTools, which the pages' CSP does not
// govern, so the Admin Center needs no test-only exception.

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

func loadAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core is missing (%v): run `make deps` or scripts/axe-core.sh, which fetch it from npm", axeErr)
	}
	return axeSource
}

// axeViolation is the part of an axe-core result the failure message needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

const pageLoaded = `document.readyState === "complete" ? "true" :
  new Promise(ok => addEventListener("load", () => ok("true"), {once: true}))`

const axeRun = `(async () => {
  const r = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical"));
})()`

// unlabelled lists the form fields a screen reader would announce without a name.
const unlabelled = `JSON.stringify([...document.querySelectorAll("input, select, textarea")]
  .filter(e => e.type !== "hidden" && e.getClientRects().length > 0)
  .filter(e => e.labels.length === 0 && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
  .map(e => e.outerHTML))`

// overflow lists, at the current viewport, what scrolls sideways or is cut off:
// the page wider than the window, an element reaching past its right edge, or
// an element that clips its own content. The skip link and visually hidden
// text are off-screen on purpose.
const overflow = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth > w) out.push("page is " + document.documentElement.scrollWidth + " px wide in a " + w + " px window");
  for (const e of document.body.querySelectorAll("*")) {
    if (e.closest(".skip, .visually-hidden, thead, [hidden]")) continue;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width === 0 || s.visibility === "hidden" || s.display === "none") continue;
    if (r.right > w + 1) out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " ends at " + Math.round(r.right) + " px");
    const clips = ["hidden", "clip"].includes(s.overflowX) || ["hidden", "clip"].includes(s.overflowY);
    if (clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
      out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " cuts off its content");
  }
  return JSON.stringify(out.slice(0, 10));
})()`

// checkPage fails the test for any accessibility problem of the page shown.
func (c *chrome) checkPage(name string) {
	c.t.Helper()
	var found []string
	// the page's text can be there before its stylesheet: judge the page as drawn
	var loaded bool
	c.evalJSON(name+": load", pageLoaded, &loaded)
	var violations []axeViolation
	c.evalJSON(name+": axe-core", loadAxe(c.t)+";"+axeRun, &violations)
	for _, v := range violations {
		for _, n := range v.Nodes {
			found = append(found, v.Impact+" "+v.ID+" ("+v.Help+") at "+jsonString(n.Target)+": "+n.Summary)
		}
	}
	var fields []string
	c.evalJSON(name+": labels", unlabelled, &fields)
	for _, f := range fields {
		found = append(found, "form field without a label: "+f)
	}
	c.do("zoom 200%", chromedp.EmulateViewport(640, 450, chromedp.EmulateScale(2)))
	var over []string
	c.evalJSON(name+": 200% zoom", overflow, &over)
	c.do("zoom 100%", chromedp.EmulateViewport(1280, 900, chromedp.EmulateScale(1)))
	for _, o := range over {
		found = append(found, "at 200% zoom: "+o)
	}
	if len(found) > 0 {
		c.t.Errorf("page %s: %d accessibility problem(s):\n  %s", name, len(found), strings.Join(found, "\n  "))
	}
}

// evalJSON evaluates expr, which returns (a promise of) a JSON string, into v.
func (c *chrome) evalJSON(step, expr string, v any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("%s: %v", step, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		c.t.Fatalf("%s: %v", step, err)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
