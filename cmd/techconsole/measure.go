package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/screens"
)

// startupReport is what --measure-startup prints.
type startupReport struct {
	Kind         string  `json:"kind"`
	FirstFrameMS float64 `json:"first_frame_ms"`
	// ReadyMS is when a press of "Sign in" is taken (the empty window: when
	// the UI goroutine first runs a function after its first frame);
	// ServerMS when the controller (the embedded server up) is attached to
	// the window; SignedInMS when the sign-in pressed at ReadyMS is through.
	ReadyMS    float64 `json:"ready_ms,omitempty"`
	ServerMS   float64 `json:"server_ms,omitempty"`
	SignedInMS float64 `json:"signed_in_ms,omitempty"`
	RSSKB      int     `json:"rss_kb"`
	// RSSIdleKB is the RSS once the garbage (the password hash's scratch
	// memory, for one) has been returned to the OS.
	RSSIdleKB int `json:"rss_idle_kb"`
	// PeakKB is the process's peak RSS so far (VmHWM).
	PeakKB int `json:"peak_kb"`
}

// memory measures the RSS now, the peak, and the RSS after returning free
// memory to the OS.
func memory(r startupReport) startupReport {
	r.RSSKB = procStatusKB("VmRSS:")
	r.PeakKB = procStatusKB("VmHWM:")
	debug.FreeOSMemory()
	r.RSSIdleKB = procStatusKB("VmRSS:")
	return r
}

// firstPaint records when the window's first frame is painted.
type firstPaint struct {
	once sync.Once
	at   time.Time
	done chan struct{}
}

func newFirstPaint() *firstPaint { return &firstPaint{done: make(chan struct{})} }

func (f *firstPaint) painted() {
	f.once.Do(func() {
		f.at = time.Now()
		close(f.done)
	})
}

// measureEmpty shows an empty window the same way as the console and
// reports when its first frame is painted.
func measureEmpty(a fyne.App, start time.Time) error {
	fp := newFirstPaint()
	w := a.NewWindow(screens.AppName)
	w.SetContent(container.NewStack(screens.FirstPaintProbe(fp.painted), container.NewCenter(widget.NewLabel("Empty window"))))
	w.Resize(fyne.NewSize(1000, 700))
	go func() {
		<-fp.done
		// the console's ReadyMS counts the wait for the UI goroutine after
		// the first frame; this is that wait in an empty window
		fyne.DoAndWait(func() {})
		inputAt := time.Now()
		time.Sleep(500 * time.Millisecond)
		report(memory(startupReport{Kind: "empty", FirstFrameMS: ms(fp.at.Sub(start)), ReadyMS: ms(inputAt.Sub(start))}))
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// measureConsole reports the first painted frame, the moment "Sign in" is
// enabled, when the controller is attached and when the sign-in as grace
// (password only) pressed at once through the form is through, and the
// memory after it.
func measureConsole(a fyne.App, fp *firstPaint, b *backend, start time.Time, ready <-chan error) {
	<-fp.done
	pressedAt, err := pressSignIn(b.console, "grace", "Demo-Pass-2026", 30*time.Second)
	if err == nil {
		err = <-ready
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "techconsole:", err)
		fyne.Do(a.Quit)
		return
	}
	var signedIn time.Time
	select {
	case signedIn = <-b.signedIn:
	case <-time.After(30 * time.Second):
		fmt.Fprintln(os.Stderr, "techconsole: the sign-in did not complete")
	}
	time.Sleep(500 * time.Millisecond)
	b.mu.Lock()
	serverAt := b.startedAt
	b.mu.Unlock()
	report(memory(startupReport{Kind: "console", FirstFrameMS: ms(fp.at.Sub(start)), ReadyMS: ms(pressedAt.Sub(start)),
		ServerMS: ms(serverAt.Sub(start)), SignedInMS: ms(signedIn.Sub(start))}))
	fyne.Do(a.Quit)
}

// pressSignIn fills the sign-in form and presses "Sign in" as soon as it is
// enabled (looking every 5 ms), as a quick user would; it returns when.
func pressSignIn(con *screens.Console, user, password string, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	for {
		pressed := false
		fyne.DoAndWait(func() {
			pressed = con.Fill("Username", user) && con.Fill("Password", password) && con.Press("Sign in")
		})
		if pressed {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("no enabled sign-in form to press within %s", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// firstSignIn tells ch when the controller first reports a signed-in state.
func firstSignIn(ch chan<- time.Time) func(app.State) {
	var once sync.Once
	return func(s app.State) {
		if s.Step == app.StepSignedIn {
			once.Do(func() { ch <- time.Now() })
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func report(r startupReport) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

// procStatusKB is a kB field of /proc/self/status (Linux), 0 elsewhere.
func procStatusKB(field string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return n
		}
	}
	return 0
}

// waiter collects a controller's states for scripts.
type waiter struct{ ch chan app.State }

func newWaiter(ctl *app.Controller) *waiter {
	w := &waiter{ch: make(chan app.State, 256)}
	ctl.Subscribe(func(s app.State) {
		select {
		case w.ch <- s:
		default:
		}
	})
	return w
}

// until waits for the first state matching ok.
func (w *waiter) until(d time.Duration, ok func(app.State) bool) (app.State, error) {
	deadline := time.After(d)
	var last app.State
	for {
		select {
		case s := <-w.ch:
			last = s
			if ok(s) {
				return s, nil
			}
		case <-deadline:
			return last, fmt.Errorf("timed out; last step %s (alert %v)", last.Step, last.Alert)
		}
	}
}
