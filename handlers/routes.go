package handlers

import "github.com/gofiber/fiber/v2"

// routes is the one route table of the application. Every route is registered with its access, and
// the route-inventory test fails on a route registered any other way.
func (h *Handler) routes(app *fiber.App) {
	r := &router{app: app, h: h, access: h.access}

	r.get("/healthz", Public, h.Healthz)
	r.get("/readyz", Public, h.Readyz)
	r.get("/", Public, h.Home)
	r.get("/lang/:code", Public, h.LangSet)
	r.get("/login", Public, h.LoginForm)
	r.post("/login", Public, h.Login)
	r.post("/logout", AnyAccount, h.Logout)
	r.get("/reset/:token", Public, h.ResetForm)
	r.post("/reset/:token", Public, h.Reset)
	r.get("/app", AnyAccount, h.AppHome)

	h.userRoutes(r)
	h.courseRoutes(r)
	h.courseAPIRoutes(r)
	h.enrolmentRoutes(r)
	h.enrolmentAPIRoutes(r)
	h.importRoutes(r)
	h.establishmentRoutes(r)
	h.traineeRoutes(r)
	h.instructorRoutes(r)
	h.calendarRoutes(r)
	h.certificateRoutes(r)
	h.certificateAPIRoutes(r)
	h.traineeLinkRoutes(r)
	h.workshopRoutes(r)
	h.reportRoutes(r)

	r.get("/api/openapi.yaml", Public, h.OpenAPI)
	r.get("/api/v1", Public, h.APIRoot)
	r.post("/api/v1/auth/token", Public, h.APITokenCreate)
	r.delete("/api/v1/auth/token", AnyAccount, h.APITokenDelete)
	app.Use("/api", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
