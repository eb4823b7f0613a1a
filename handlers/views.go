package handlers

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// The html engine of gofiber/template renders a page into its layout by rebinding the layout's
// "embed" function on the shared templates for each render, under an exclusive lock: every page of the
// process waited for the one being rendered, so HTML pages used one core at most. Pages are rendered
// here instead, from the same parsed templates (html/template executes safely in parallel): the page
// first, into a buffer, then the layout around it ({{.Content}}).

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderPage writes page name inside the main layout as the response body.
func (h *Handler) renderPage(c *fiber.Ctx, name string, p *Page) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer pageBuffers.Put(buf)
	if err := h.pages.ExecuteTemplate(buf, name, p); err != nil {
		return err
	}
	p.Content = template.HTML(buf.String()) // #nosec G203 -- the output of an html/template, escaped as it was rendered
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return h.pages.ExecuteTemplate(c.Response().BodyWriter(), "layouts/main", p)
}
