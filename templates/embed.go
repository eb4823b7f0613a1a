// Package templates holds the HTML templates (a layout, partials and one file per page, named
// <resource>/<action>.html) and the static assets, embedded in the binary.
package templates

import "embed"

// FS holds every template and static file.
//
//go:embed *
var FS embed.FS
