package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// dashboard is the staff's dashboard on the start page (/app); other roles get nil and see their links.
func (h *Handler) dashboard(c *fiber.Ctx) (*models.Dashboard, error) {
	u := currentUser(c)
	if u == nil || (u.Role != models.RoleAdmin && u.Role != models.RoleStaff) {
		return nil, nil
	}
	d, err := h.store.GetDashboard(c.UserContext(), time.Now())
	if err != nil {
		return nil, err
	}
	return &d, nil
}
