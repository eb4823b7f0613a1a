package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
	"khuyencong/templates"
)

// Pages are rendered here rather than by gofiber/template's html engine, whose layout support rebinds
// the layout's "embed" function on the shared templates for each render under an exclusive lock:
// every page of the process waited for the one being rendered, so HTML used one core at most. A page
// is rendered into a buffer, then the layout around it ({{.Content}}); html/template executes safely
// in parallel.
//
// Most of a page's cost was template function calls (each goes through reflection): a label in the
// page's language, {{t .Lang "key"}}, is by far the most common. The templates are parsed once per
// language with those labels already translated and escaped into the template's text, so the call
// happens once, at start. The rule that
// makes it right: templates pass the page's own language to t (they all do, through .Lang, $.Lang,
// .P.Lang, $p.Lang, $lang or .L), and a page is rendered with the set of its language.

var literalLabel = regexp.MustCompile(`\{\{t (?:\$?\.Lang|\$p\.Lang|\.P\.Lang|\$lang|\.L) ("[^"\\]*")\}\}`)

// loadPages parses every template, once per language, so that a broken template stops the start
// instead of a page.
func loadPages() (map[string]*template.Template, error) {
	sets := map[string]*template.Template{}
	for _, lang := range []string{LangVI, LangEN} {
		root := template.New("").Funcs(templateFuncs())
		err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
				return err
			}
			src, err := fs.ReadFile(templates.FS, p)
			if err != nil {
				return err
			}
			text := literalLabel.ReplaceAllStringFunc(string(src), func(call string) string {
				key, _ := strconv.Unquote(literalLabel.FindStringSubmatch(call)[1])
				return labelText(T(lang, key))
			})
			_, err = root.New(strings.TrimSuffix(p, ".html")).Parse(text)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("parse templates: %w", err)
		}
		sets[lang] = root
	}
	return sets, nil
}

// labelText is a translated label as template text: escaped for HTML once, here, so that rendering
// does not evaluate an action for it (the escaper is a reflective call per action, and labels are
// most of a page's actions). A label that could be read as an action stays an escaped string action.
// Labels stand in element text and quoted attribute values (never in scripts, styles or URLs), where
// HTML escaping is what html/template itself would apply.
func labelText(label string) string {
	if strings.Contains(label, "{{") || strings.Contains(label, "}}") {
		return "{{" + strconv.Quote(label) + "}}"
	}
	return template.HTMLEscapeString(label)
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderPage writes page name inside the main layout as the response body.
func (h *Handler) renderPage(c *fiber.Ctx, name string, p *Page) error {
	return h.renderIn(c, "layouts/main", name, p)
}

// renderIn writes page name inside the given layout as the response body.
func (h *Handler) renderIn(c *fiber.Ctx, layout, name string, p *Page) error {
	set := h.pages[p.Lang]
	if set == nil {
		set = h.pages[LangVI]
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer pageBuffers.Put(buf)
	if err := set.ExecuteTemplate(buf, name, p); err != nil {
		return err
	}
	p.Content = template.HTML(buf.String()) // #nosec G203 -- the output of an html/template, escaped as it was rendered
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return set.ExecuteTemplate(c.Response().BodyWriter(), layout, p)
}

// options renders a list of choices as <option> elements, the one whose id is selected (as text)
// marked so, with the extra text after a dash when withExtra: one template call for a list that cost
// three calls per option (hundreds of venues and instructors on a class page).
func options(items []models.Choice, selected string, withExtra bool) template.HTML {
	var b strings.Builder
	for _, it := range items {
		id := strconv.FormatInt(it.ID, 10)
		b.WriteString(`<option value="` + id + `"`)
		if id == selected {
			b.WriteString(" selected")
		}
		b.WriteString(">" + template.HTMLEscapeString(it.Label))
		if withExtra && it.Extra != "" {
			b.WriteString(" — " + template.HTMLEscapeString(it.Extra))
		}
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every text in it is escaped above
}
