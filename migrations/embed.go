// Package migrations holds the numbered SQL files that build the schema, embedded in the binary.
// Files are named NNNN_verb_object.sql and applied in order, each once, by models.Migrate.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
