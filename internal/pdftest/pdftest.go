// Package pdftest reads generated PDFs back for the tests, with the tools a reader would use:
// pdftotext for the text, pdftoppm and zbarimg for the QR codes, qpdf for the structure. make test
// installs them (scripts/deps.sh); a missing tool fails the test, it never skips it.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// write puts the PDF in a file of the test's temporary folder and checks the tools are there.
func write(t testing.TB, b []byte, tools ...string) (dir, path string) {
	t.Helper()
	for _, bin := range tools {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is missing: make test installs it (scripts/deps.sh)", bin)
		}
	}
	dir = t.TempDir()
	path = filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

// Text is the document's text as pdftotext lays it out, in NFC.
func Text(t testing.TB, b []byte) string {
	t.Helper()
	_, in := write(t, b, "pdftotext")
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return norm.NFC.String(string(out))
}

// QRCodes renders every page at 150 dpi and returns the QR code zbarimg reads on each, in page order;
// a page without a readable code fails the test.
func QRCodes(t testing.TB, b []byte) []string {
	t.Helper()
	dir, in := write(t, b, "pdftoppm", "zbarimg")
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) == 0 {
		t.Fatal("pdftoppm rendered no page")
	}
	sort.Strings(pages) // pdftoppm pads page numbers to the same width
	var codes []string
	for _, p := range pages {
		out, err := exec.Command("zbarimg", "--raw", "-q", p).Output()
		if err != nil {
			t.Fatalf("zbarimg %s: no code read: %v", filepath.Base(p), err)
		}
		codes = append(codes, strings.TrimSpace(string(out)))
	}
	return codes
}

// Check runs qpdf --check on the document: its structure, cross-reference table and streams.
func Check(t testing.TB, b []byte) {
	t.Helper()
	_, in := write(t, b, "qpdf")
	if out, err := exec.Command("qpdf", "--check", in).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}
