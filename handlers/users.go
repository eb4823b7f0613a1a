package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

func (h *Handler) userRoutes(r *router) {
	r.get("/admin/users", AdminOnly, h.UserList)
	r.get("/admin/users/new", AdminOnly, h.UserNew)
	r.post("/admin/users", AdminOnly, h.UserCreate)
	r.get("/admin/users/:id", AdminOnly, h.UserShow)
	r.post("/admin/users/:id", AdminOnly, h.UserUpdate)
	r.post("/admin/users/:id/disable", AdminOnly, h.UserDisable)
	r.post("/admin/users/:id/enable", AdminOnly, h.UserEnable)
	r.post("/admin/users/:id/reset", AdminOnly, h.UserResetLink)

	r.get("/api/v1/users", AdminOnly, h.APIUserList)
	r.post("/api/v1/users", AdminOnly, h.APIUserCreate)
	r.get("/api/v1/users/:id", AdminOnly, h.APIUserShow)
	r.patch("/api/v1/users/:id", AdminOnly, h.APIUserUpdate)
}

// userInput is what an admin submits for a user; it binds nothing else (no mass assignment).
type userInput struct {
	Email    string `form:"email" json:"email"`
	FullName string `form:"full_name" json:"full_name"`
	Role     string `form:"role" json:"role"`
}

func (in userInput) clean() (userInput, fieldErrors) {
	errs := fieldErrors{}
	in.Email = strings.ToLower(text(errs, "email", in.Email, 254))
	in.FullName = text(errs, "full_name", in.FullName, 200)
	in.Role = strings.TrimSpace(in.Role)
	return in, errs
}

func (in userInput) values() map[string]string {
	return map[string]string{"email": in.Email, "full_name": in.FullName, "role": in.Role}
}

// UserList handles GET /admin/users.
func (h *Handler) UserList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListUsers(c.UserContext(), p)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "users/list", "users.title", map[string]any{"List": list, "Params": p})
}

// UserNew handles GET /admin/users/new.
func (h *Handler) UserNew(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, "users/new", "users.new", form{Values: map[string]string{"role": models.RoleStaff}})
}

// createUser makes a user with an unusable random password and returns a one-time link with which
// the user sets their own.
func (h *Handler) createUser(c *fiber.Ctx, in userInput) (models.User, string, error) {
	u, err := h.store.CreateUser(c.UserContext(), actor(c), models.NewUser{
		Email: in.Email, FullName: in.FullName, Role: in.Role, Password: models.RandomToken(32),
	})
	if err != nil {
		return u, "", err
	}
	token, err := h.store.CreatePasswordReset(c.UserContext(), actor(c), u.ID)
	if err != nil {
		return u, "", err
	}
	return u, h.cfg.BaseURL + "/reset/" + token, nil
}

// UserCreate handles POST /admin/users.
func (h *Handler) UserCreate(c *fiber.Ctx) error {
	var in userInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := in.clean()
	if len(errs) == 0 {
		u, link, err := h.createUser(c, in)
		if err == nil {
			return h.render(c, fiber.StatusCreated, "users/link", "users.link", map[string]any{"User": u, "Link": link, "New": true})
		}
		if !formError(err, errs, map[string]string{"users_email_key": "email"}) {
			return err
		}
	}
	return h.render(c, fiber.StatusUnprocessableEntity, "users/new", "users.new", form{Values: in.values(), Errors: errs})
}

// formError turns a validation or uniqueness error into field errors and reports whether it did.
func formError(err error, errs fieldErrors, uniqueFields map[string]string) bool {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		for k, v := range ve.Fields {
			errs[k] = v
		}
		return true
	}
	if errors.Is(err, models.ErrDuplicate) {
		if f, ok := uniqueFields[models.ConstraintOf(err)]; ok {
			errs[f] = "duplicate"
			return true
		}
	}
	return false
}

// UserShow handles GET /admin/users/:id.
func (h *Handler) UserShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	u, err := h.store.GetUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "users/show", "users.title", form{
		Values: map[string]string{"full_name": u.FullName, "role": u.Role}, Data: u,
	})
}

// UserUpdate handles POST /admin/users/:id (name and role).
func (h *Handler) UserUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in userInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := in.clean()
	delete(errs, "email")
	if len(errs) == 0 {
		_, err := h.store.UpdateUser(c.UserContext(), actor(c), id, models.UserChange{FullName: in.FullName, Role: in.Role})
		if err == nil {
			return c.Redirect(fmt.Sprintf("/admin/users/%d", id), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	u, err := h.store.GetUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusUnprocessableEntity, "users/show", "users.title", form{Values: in.values(), Errors: errs, Data: u})
}

// UserDisable handles POST /admin/users/:id/disable: the user's sessions and tokens end at once.
func (h *Handler) UserDisable(c *fiber.Ctx) error { return h.setDisabled(c, true) }

// UserEnable handles POST /admin/users/:id/enable.
func (h *Handler) UserEnable(c *fiber.Ctx) error { return h.setDisabled(c, false) }

func (h *Handler) setDisabled(c *fiber.Ctx, disabled bool) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if u := currentUser(c); disabled && u.ID == id {
		return fieldErrors{"user": "cannot_disable_self"}
	}
	if err := h.store.SetUserDisabled(c.UserContext(), actor(c), id, disabled); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/users/%d", id), fiber.StatusSeeOther)
}

// UserResetLink handles POST /admin/users/:id/reset: a one-time link for the user to set a password.
func (h *Handler) UserResetLink(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	u, err := h.store.GetUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	token, err := h.store.CreatePasswordReset(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "users/link", "users.link", map[string]any{"User": u, "Link": h.cfg.BaseURL + "/reset/" + token})
}

type resetInput struct {
	Password string `form:"password"`
	Confirm  string `form:"confirm"`
}

// ResetForm handles GET /reset/:token.
func (h *Handler) ResetForm(c *fiber.Ctx) error {
	u, err := h.store.PasswordResetUser(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	if _, err := h.ensureSession(c); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "auth/reset", "auth.reset", form{Data: u})
}

// Reset handles POST /reset/:token: the user sets their own password; the link is then used up.
func (h *Handler) Reset(c *fiber.Ctx) error {
	token := c.Params("token")
	var in resetInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	if in.Password != in.Confirm {
		errs["confirm"] = "passwords_differ"
	}
	if len(errs) == 0 {
		_, err := h.store.ResetPassword(c.UserContext(), actor(c), token, in.Password)
		if err == nil {
			return c.Redirect("/login?reset=1", fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	u, err := h.store.PasswordResetUser(c.UserContext(), token)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusUnprocessableEntity, "auth/reset", "auth.reset", form{Errors: errs, Data: u})
}

// APIUserList handles GET /api/v1/users.
func (h *Handler) APIUserList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListUsers(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// APIUserCreate handles POST /api/v1/users: 201 with the user and a one-time link to set a password.
func (h *Handler) APIUserCreate(c *fiber.Ctx) error {
	var in userInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := in.clean()
	if len(errs) > 0 {
		return errs
	}
	u, link, err := h.createUser(c, in)
	if err != nil {
		if formError(err, errs, map[string]string{"users_email_key": "email"}) {
			return errs
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/users/%d", u.ID))
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": u, "password_link": link})
}

// APIUserShow handles GET /api/v1/users/:id.
func (h *Handler) APIUserShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	u, err := h.store.GetUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type userPatch struct {
	FullName *string `json:"full_name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

// APIUserUpdate handles PATCH /api/v1/users/:id (full_name, role, disabled).
func (h *Handler) APIUserUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var p userPatch
	if err := c.BodyParser(&p); err != nil {
		return fiber.ErrBadRequest
	}
	u, err := h.store.GetUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	in := userInput{FullName: u.FullName, Role: u.Role, Email: u.Email}
	if p.FullName != nil {
		in.FullName = *p.FullName
	}
	if p.Role != nil {
		in.Role = *p.Role
	}
	in, errs := in.clean()
	if len(errs) > 0 {
		return errs
	}
	if in.FullName != u.FullName || in.Role != u.Role {
		if _, err := h.store.UpdateUser(c.UserContext(), actor(c), id, models.UserChange{FullName: in.FullName, Role: in.Role}); err != nil {
			if formError(err, errs, nil) {
				return errs
			}
			return err
		}
	}
	if p.Disabled != nil {
		if *p.Disabled && currentUser(c).ID == id {
			return fieldErrors{"disabled": "cannot_disable_self"}
		}
		if err := h.store.SetUserDisabled(c.UserContext(), actor(c), id, *p.Disabled); err != nil {
			return err
		}
	}
	u, err = h.store.GetUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}
