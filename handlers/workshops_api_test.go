package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/vi"
	"khuyencong/models"
)

func TestWorkshopAPI(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	api := e.apiAs(models.RoleStaff)
	r := api.api(http.MethodPost, "/api/v1/workshops", map[string]any{"title": "Khởi sự doanh nghiệp nông thôn", "kind": "vocational", "craft_id": atoi(f.craft),
		"venue_id": atoi(f.venue), "capacity": 30, "start_date": "2026-04-02", "end_date": "2026-04-03", "trainer_id": atoi(f.trainer)})
	var c models.Course
	r.json(t, &c)
	if r.Status != 201 || c.Kind != models.KindWorkshop || c.CraftID != nil || c.MinAttendancePct != 100 || *c.PerEstablishmentLimit != 2 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if _, err := e.store.AddSession(context.Background(), models.SystemActor("test"), c.ID, models.SessionInput{VenueID: atoi(f.venue), InstructorID: atoi(f.trainer),
		StartsAt: time.Date(2026, 4, 2, 8, 0, 0, 0, vi.Zone), EndsAt: time.Date(2026, 4, 2, 11, 30, 0, 0, vi.Zone)}); err != nil {
		t.Fatal(err)
	}
	days, _ := e.store.WorkshopDays(context.Background(), c.ID)
	agenda := fmt.Sprintf("/api/v1/workshops/%d/agenda", c.ID)
	r = api.api(http.MethodPost, agenda, map[string]any{"session_id": days[0].Session.ID, "start_time": "08:00", "end_time": "09:00",
		"topic": "Lập kế hoạch kinh doanh", "speaker_instructor_id": atoi(f.trainer)})
	if r.Status != 201 || !strings.Contains(r.Body, `"speaker":"Phạm Thị Dạy"`) {
		t.Fatalf("agenda item: %d %s", r.Status, r.Body)
	}
	r = api.api(http.MethodPost, agenda, map[string]any{"session_id": days[0].Session.ID, "start_time": "09:00", "end_time": "10:00",
		"topic": "Thảo luận", "speaker_instructor_id": atoi(f.trainer), "speaker_name": "Ông Khách"})
	if r.Status != 422 || !strings.Contains(r.Body, `"speaker"`) {
		t.Fatalf("two speakers: %d %s", r.Status, r.Body)
	}
	if r := api.api(http.MethodGet, agenda, nil); !strings.Contains(r.Body, "Lập kế hoạch kinh doanh") {
		t.Fatalf("agenda: %s", r.Body)
	}
	if r := api.api(http.MethodGet, "/api/v1/workshops", nil); !strings.Contains(r.Body, "Khởi sự doanh nghiệp nông thôn") || !strings.Contains(r.Body, `"total":1`) {
		t.Fatalf("list: %s", r.Body)
	}
	if r := api.api(http.MethodGet, fmt.Sprintf("/api/v1/workshops/%d", c.ID), nil); r.Status != 200 || !strings.Contains(r.Body, `"days"`) {
		t.Fatalf("show: %d %s", r.Status, r.Body)
	}
	// Not approved yet: registration is closed.
	r = api.api(http.MethodPost, fmt.Sprintf("/api/v1/workshops/%d/registrations", c.ID), map[string]any{"participants": []wsPerson{wsP("Ai Đó")},
		"establishment": map[string]string{"name": "Cơ sở A", "kind": "household_business", "commune_code": "99999"}})
	if r.Status != 422 {
		t.Fatalf("registration of a draft: %d %s", r.Status, r.Body)
	}
	trainer := e.apiAs(models.RoleTrainer)
	if r := trainer.api(http.MethodGet, fmt.Sprintf("/api/v1/workshops/%d/registrations", c.ID), nil); r.Status != 404 {
		t.Fatalf("a stranger reads registrations: %d", r.Status)
	}
}
