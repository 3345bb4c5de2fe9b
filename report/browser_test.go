package report

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

var screenshotTo = flag.String("screenshot", "", "also write the demo report's screenshot to this file (e.g. ../docs/report.png)")

// chromium returns the path of a Chromium or Chrome binary, or "" when none is installed.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browse opens page in headless Chromium as a reader would, fails on any console error, uncaught
// exception or browser log error, checks that every chart has a non-empty size in light and dark
// mode, and writes a screenshot to shot: the full page, or the top 1100x2000 when full is false. It returns the number of charts.
func browse(t *testing.T, page, shot string, full bool) int {
	t.Helper()
	exe := chromium()
	if exe == "" {
		t.Skip("no Chromium installed (apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.WindowSize(1200, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	// Subscribe to the console (console API calls, uncaught exceptions, browser log entries) before
	// the page loads, and collect every error until the checks are done.
	cctx, ccancel := context.WithCancel(bctx)
	var mu sync.Mutex
	var problems []string
	done := make(chan struct{})
	messages := chromedp.Console(cctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	}()

	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	chartSizes := `Array.from(document.querySelectorAll('svg.chart')).map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })`
	background := `getComputedStyle(document.body).backgroundColor`
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+abs), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("chromium on %s: %v", page, err)
	}
	sizes, err := chromedp.Run(bctx, chromedp.Evaluate[[][]float64](chartSizes))
	if err != nil {
		t.Fatal(err)
	}
	lightBG, err := chromedp.Run(bctx, chromedp.Evaluate[string](background))
	if err != nil {
		t.Fatal(err)
	}
	shoot := chromedp.FullScreenshot(100)
	if !full {
		if err := chromedp.Do(bctx, chromedp.EmulateViewport(1100, 2000)); err != nil {
			t.Fatal(err)
		}
		shoot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(bctx, shoot)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	darkSizes, err := chromedp.Run(bctx, chromedp.Evaluate[[][]float64](chartSizes))
	if err != nil {
		t.Fatal(err)
	}
	darkBG, err := chromedp.Run(bctx, chromedp.Evaluate[string](background))
	if err != nil {
		t.Fatal(err)
	}
	// A round trip after the checks, so that messages the page wrote have arrived.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[int](`1`)); err != nil {
		t.Fatal(err)
	}
	ccancel()
	<-done
	mu.Lock()
	for _, p := range problems {
		t.Errorf("%s: %s", page, p)
	}
	mu.Unlock()
	if len(sizes) == 0 {
		t.Errorf("%s: no chart on the page", page)
	}
	for i, s := range append(sizes, darkSizes...) {
		if len(s) != 2 || s[0] < 50 || s[1] < 20 {
			t.Errorf("%s: chart %d has size %v, want a visible chart", page, i%max(1, len(sizes)), s)
		}
	}
	if lightBG == darkBG {
		t.Errorf("%s: dark mode keeps the background %s", page, lightBG)
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d charts, screenshot %s (%d bytes)", page, len(sizes), shot, len(png))
	return len(sizes)
}
