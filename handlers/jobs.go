package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
	"khuyencong/pdf"
)

// CertificatePrint handles POST /courses/:id/certificates/print: queues the class's certificates as one
// PDF in register order, and shows the job's progress page.
func (h *Handler) CertificatePrint(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	certs, err := h.store.ListCourseCertificates(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	if len(certs) == 0 {
		return fieldErrors{"certificates": "certs_none"}
	}
	j, err := h.store.CreateJob(c.UserContext(), actor(c), models.JobPrintCertificates, course.ID, len(certs))
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.Status(fiber.StatusAccepted).JSON(j)
	}
	return c.Redirect(fmt.Sprintf("/jobs/%d", j.ID), fiber.StatusSeeOther)
}

// JobShow handles GET /jobs/:id: a progress bar that refreshes itself (no JavaScript) until done.
func (h *Handler) JobShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	j, err := h.store.GetJob(c.UserContext(), id)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(j)
	}
	pct := 0
	if j.Total > 0 {
		pct = 100 * j.Progress / j.Total
	}
	return h.render(c, fiber.StatusOK, "certificates/job", "jobs.title", form{Data: map[string]any{"Job": j, "Percent": pct}})
}

// JobFile handles GET /jobs/:id/file: the finished file; a job still running has none to serve.
func (h *Handler) JobFile(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	j, err := h.store.GetJob(c.UserContext(), id)
	if err != nil {
		return err
	}
	if j.Status != "done" || j.ResultPath == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="chung-chi-lop-%d.pdf"`, deref64(j.CourseID)))
	return c.SendFile(*j.ResultPath)
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// RunJobs claims and runs background jobs until ctx ends. Any instance may run it; a job whose runner
// died is claimed again after staleAfter and redone from the start — printing issues nothing, so a
// rerun prints the same numbers.
func (h *Handler) RunJobs(ctx context.Context, every, staleAfter time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for {
			j, err := h.store.ClaimJob(ctx, staleAfter)
			if err != nil {
				if ctx.Err() == nil {
					h.log.Warn("claim job", slog.Any("error", err))
				}
				break
			}
			if j == nil {
				break
			}
			path, err := h.runJob(ctx, *j)
			if ctx.Err() != nil {
				return // shutting down: the job stays "running" and is claimed again later
			}
			if ferr := h.store.FinishJob(context.Background(), j.ID, path, err); ferr != nil {
				h.log.Error("finish job", slog.Int64("job", j.ID), slog.Any("error", ferr))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runJob renders a class's certificates into one PDF, written under a temporary name and renamed
// when complete, so a half-written file is never served.
func (h *Handler) runJob(ctx context.Context, j models.Job) (string, error) {
	if j.Kind != models.JobPrintCertificates || j.CourseID == nil {
		return "", fmt.Errorf("unknown job kind %q", j.Kind)
	}
	certs, err := h.store.ListCourseCertificates(ctx, *j.CourseID)
	if err != nil {
		return "", err
	}
	pages := make([]pdf.Certificate, 0, len(certs))
	for i, c := range certs {
		pages = append(pages, h.printable(c.Snapshot, c.Status == models.CertRevoked))
		if i%50 == 0 {
			if err := h.store.JobProgress(ctx, j.ID, i/2); err != nil {
				return "", err
			}
		}
	}
	b, err := pdf.RenderCertificates(pages, time.Now().In(vi.Zone))
	if err != nil {
		return "", err
	}
	if err := h.store.JobProgress(ctx, j.ID, len(certs)); err != nil {
		return "", err
	}
	if err := os.MkdirAll(h.cfg.FilesDir, 0o750); err != nil {
		return "", err
	}
	final := filepath.Join(h.cfg.FilesDir, fmt.Sprintf("job-%d.pdf", j.ID))
	tmp := final + ".part"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	return final, nil
}
