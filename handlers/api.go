package handlers

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"
)

// The OpenAPI document is kept in one file per area under openapi/, merged at start-up: each file
// may hold paths and components (schemas, parameters, responses); 0_base.yaml holds the rest.
//
//go:embed openapi/*.yaml
var openapiFiles embed.FS

// buildOpenAPI merges the area files into one document and refuses duplicate paths or components.
func buildOpenAPI() ([]byte, error) {
	names, err := fs.Glob(openapiFiles, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	doc := map[string]any{}
	for _, name := range names {
		b, err := openapiFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var part map[string]any
		if err := yaml.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for key, v := range part {
			switch key {
			case "paths":
				if err := mergeInto(doc, v, name, "paths"); err != nil {
					return nil, err
				}
			case "components":
				comps, _ := v.(map[string]any)
				for kind, items := range comps {
					if err := mergeInto(doc, items, name, "components", kind); err != nil {
						return nil, err
					}
				}
			default:
				if _, dup := doc[key]; dup {
					return nil, fmt.Errorf("%s: %s is set twice", name, key)
				}
				doc[key] = v
			}
		}
	}
	return yaml.Marshal(doc)
}

// mergeInto adds the entries of src under doc[path...], refusing any that already exist.
func mergeInto(doc map[string]any, src any, file string, path ...string) error {
	m, ok := src.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: %v is not a map", file, path)
	}
	node := doc
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[p] = next
		}
		node = next
	}
	for k, v := range m {
		if _, dup := node[k]; dup {
			return fmt.Errorf("%s: %v.%s is defined twice", file, path, k)
		}
		node[k] = v
	}
	return nil
}

// OpenAPI handles GET /api/openapi.yaml: the OpenAPI 3 description of /api/v1.
func (h *Handler) OpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(h.openapi)
}

// APIRoot handles GET /api/v1: what the API is and where its description lives.
func (h *Handler) APIRoot(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{
		"name":    "khuyencong",
		"version": h.cfg.Version,
		"openapi": "/api/openapi.yaml",
		"links": fiber.Map{
			"health": "/healthz",
			"ready":  "/readyz",
		},
	})
}
