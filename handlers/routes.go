package handlers

import "github.com/gofiber/fiber/v2"

// publicRoutes are the routes anyone may use without logging in. Every other route must check role
// and ownership; the route-inventory test fails on a route that is neither.
var publicRoutes = map[string]bool{
	"GET /":                 true,
	"HEAD /":                true,
	"GET /healthz":          true,
	"GET /readyz":           true,
	"GET /lang/:code":       true,
	"GET /api/v1":           true,
	"GET /api/openapi.yaml": true,
}

// routes is the one route table of the application.
func (h *Handler) routes(app *fiber.App) {
	app.Get("/healthz", h.Healthz)
	app.Get("/readyz", h.Readyz)
	app.Get("/", h.Home)
	app.Get("/lang/:code", h.LangSet)

	api := app.Group("/api")
	api.Get("/openapi.yaml", h.OpenAPI)
	api.Get("/v1", h.APIRoot)
	api.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
