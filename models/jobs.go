package models

import (
	"context"
	"fmt"
	"time"
)

// Job is a piece of background work stored in PostgreSQL, so that any app instance can run it and a
// crash leaves it to be claimed again.
type Job struct {
	ID         int64      `db:"id" json:"id"`
	Kind       string     `db:"kind" json:"kind"`
	CourseID   *int64     `db:"course_id" json:"course_id,omitempty"`
	Status     string     `db:"status" json:"status"`
	Progress   int        `db:"progress" json:"progress"`
	Total      int        `db:"total" json:"total"`
	Attempts   int        `db:"attempts" json:"attempts"`
	ResultPath *string    `db:"result_path" json:"-"`
	Error      *string    `db:"error" json:"error,omitempty"`
	CreatedBy  *int64     `db:"created_by" json:"created_by,omitempty"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	FinishedAt *time.Time `db:"finished_at" json:"finished_at,omitempty"`
}

const jobColumns = `id, kind, course_id, status, progress, total, attempts, result_path, error, created_by, created_at, finished_at`

// JobPrintCertificates renders a class's certificates as one PDF.
const JobPrintCertificates = "print_certificates"

// CreateJob queues a job for a course.
func (s *Store) CreateJob(ctx context.Context, a Actor, kind string, courseID int64, total int) (Job, error) {
	var j Job
	var by any
	if a.UserID > 0 {
		by = a.UserID
	}
	q := `INSERT INTO jobs (kind, course_id, total, created_by) VALUES ($1, $2, $3, $4) RETURNING ` + jobColumns
	if err := s.db.GetContext(ctx, &j, q, kind, courseID, total, by); err != nil {
		return Job{}, fmt.Errorf("create job: %w", mapErr(err))
	}
	return j, nil
}

// GetJob returns a job.
func (s *Store) GetJob(ctx context.Context, id int64) (Job, error) {
	var j Job
	if err := s.db.GetContext(ctx, &j, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id); err != nil {
		return Job{}, fmt.Errorf("job %d: %w", id, mapErr(err))
	}
	return j, nil
}

// ClaimJob takes the oldest queued job, or a running one whose runner stopped beating for staleAfter
// (its process died). FOR UPDATE SKIP LOCKED lets several instances claim at once without meeting.
func (s *Store) ClaimJob(ctx context.Context, staleAfter time.Duration) (*Job, error) {
	var j Job
	q := `
		UPDATE jobs SET status = 'running', started_at = coalesce(started_at, now()), heartbeat = now(), attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs
		            WHERE status = 'queued' OR (status = 'running' AND heartbeat < now() - make_interval(secs => $1))
		            ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
		RETURNING ` + jobColumns
	err := s.db.GetContext(ctx, &j, q, staleAfter.Seconds())
	if err != nil {
		if isNotFound(mapErr(err)) {
			return nil, nil
		}
		return nil, fmt.Errorf("claim job: %w", mapErr(err))
	}
	return &j, nil
}

// JobProgress records progress and beats the job's heart.
func (s *Store) JobProgress(ctx context.Context, id int64, progress int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE jobs SET progress = $2, heartbeat = now() WHERE id = $1`, id, progress)
	return mapErr(err)
}

// FinishJob marks a job done with the path of its file, or failed with a message for staff.
func (s *Store) FinishJob(ctx context.Context, id int64, path string, failure error) error {
	var err error
	if failure != nil {
		_, err = s.db.ExecContext(ctx, `UPDATE jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, id, failure.Error())
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE jobs SET status = 'done', progress = total, result_path = $2, finished_at = now() WHERE id = $1`, id, path)
	}
	return mapErr(err)
}
