package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// chromium finds Debian's headless browser; CI installs the package.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed: the report test renders the HTML in it (CI installs it)")
	return ""
}

// headless runs chromium without a sandbox (CI runs as root), without reaching the network.
func headless(t *testing.T, args ...string) []byte {
	t.Helper()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.Command(chromium(t), append(base, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
	}
	return out.Bytes()
}

// TestReportInABrowser writes an incident report as HTML with the built binary, opens it in headless
// Chromium, reads the DOM the browser built, and looks at a screenshot: the page must have drawn
// its tables, not an empty or broken page. SCREENSHOT=path keeps the picture (screenshots/).
func TestReportInABrowser(t *testing.T) {
	chromium(t)
	dir := t.TempDir()
	bin := binary(t)
	page := filepath.Join(dir, "incident.html")
	run := exec.Command(bin, "report", "--sample", "invictus", "--format", "html", "-o", page,
		"--title", "Backdoor IAM users, 10 July 2023", "event:CreateUser,CreateAccessKey,PutUserPolicy,AttachUserPolicy,CreateLoginProfile")
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}

	dom := string(headless(t, "--dump-dom", "file://"+page))
	for _, want := range []string{"Backdoor IAM users", "What the data covers", "iam:CreateUser", "user/bert-jan", "access-key-other-user", "AKIA"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page the browser built lacks %q", want)
		}
	}
	if rows := strings.Count(dom, "<tr>"); rows < 10 {
		t.Errorf("the browser built %d table rows", rows)
	}

	shot := filepath.Join(dir, "report.png")
	headless(t, "--window-size=1280,900", "--screenshot="+shot, "file://"+page)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 900 {
		t.Errorf("screenshot is %v", b)
	}
	if n := inkFraction(img); n < 0.02 {
		t.Errorf("the screenshot is nearly blank: %.3f of its pixels are not background", n)
	}
	if keep := os.Getenv("SCREENSHOT"); keep != "" {
		b, _ := os.ReadFile(shot)
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// inkFraction is the share of pixels that differ from the top-left one (the page's background).
func inkFraction(img image.Image) float64 {
	b := img.Bounds()
	bg := color.RGBAModel.Convert(img.At(b.Min.X, b.Min.Y))
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if color.RGBAModel.Convert(img.At(x, y)) != bg {
				ink++
			}
		}
	}
	return float64(ink) / float64((b.Dx()/2)*(b.Dy()/2))
}
