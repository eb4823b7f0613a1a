package handlers

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

//go:embed openapi.yaml
var openapiDoc []byte

// OpenAPI handles GET /api/openapi.yaml: the OpenAPI 3 description of /api/v1.
func (h *Handler) OpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(openapiDoc)
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
