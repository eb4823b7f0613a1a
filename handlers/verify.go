package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// lookupLimit applies the per-address limit of public look-ups (certificate verification).
func (h *Handler) lookupLimit(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return h.limit(c, "lookup:ip:"+c.IP(), h.cfg.LookupLimitPerIP, h.cfg.LookupWindow)
}

// VerifyShow handles GET /verify/:token, the address in a certificate's QR code: the certificate's
// public facts and status. An unknown token gets the same "not found" answer, after the same work.
func (h *Handler) VerifyShow(c *fiber.Ctx) error {
	if err := h.lookupLimit(c); err != nil {
		return err
	}
	token := c.Params("token")
	if len(token) > 100 {
		token = token[:100]
	}
	cert, err := h.store.GetCertificateByToken(c.UserContext(), token)
	return h.verifyAnswer(c, cert, err)
}

func (h *Handler) verifyAnswer(c *fiber.Ctx, cert models.Certificate, err error) error {
	switch {
	case errors.Is(err, models.ErrNotFound):
		if wantsJSON(c) {
			return fiber.ErrNotFound
		}
		return h.render(c, fiber.StatusNotFound, "certificates/verify", "verify.title", form{Error: "verify.not_found"})
	case err != nil:
		return err
	}
	v := viewOf(cert)
	if wantsJSON(c) {
		return c.JSON(v)
	}
	return h.render(c, fiber.StatusOK, "certificates/verify", "verify.title", form{Data: v})
}

// VerifyForm handles GET /verify: look a certificate up by its serial number and the holder's name.
func (h *Handler) VerifyForm(c *fiber.Ctx) error {
	if _, err := h.ensureSession(c); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "certificates/verify", "verify.title", form{Values: map[string]string{}})
}

// VerifyLookup handles POST /verify (serial, name): both must match; the name is never in a URL.
func (h *Handler) VerifyLookup(c *fiber.Ctx) error {
	if err := h.lookupLimit(c); err != nil {
		return err
	}
	errs := fieldErrors{}
	serial := strings.ToUpper(text(errs, "serial", c.FormValue("serial"), 40))
	name := text(errs, "name", c.FormValue("name"), 200)
	if serial == "" {
		errs["serial"] = "required"
	}
	if name == "" {
		errs["name"] = "required"
	}
	if len(errs) > 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, "certificates/verify", "verify.title",
			form{Errors: errs, Values: map[string]string{"serial": serial, "name": name}})
	}
	cert, err := h.store.FindCertificateForHolder(c.UserContext(), serial, name)
	return h.verifyAnswer(c, cert, err)
}

// APIVerify handles GET /api/v1/verify/:token.
func (h *Handler) APIVerify(c *fiber.Ctx) error {
	if err := h.lookupLimit(c); err != nil {
		return err
	}
	cert, err := h.store.GetCertificateByToken(c.UserContext(), c.Params("token"))
	return h.verifyAnswer(c, cert, err)
}
