// Command kcburst is the enrolment-burst load script: on a fresh database it opens a 30-seat class,
// starts two `khuyencong serve` processes, fires N concurrent enrolment requests for distinct trainees
// split across both, and checks that exactly 30 are confirmed, the queue is 1..N-30, and no request
// failed. All traffic goes to 127.0.0.1; the run is bounded in count and time.
//
//	go run ./cmd/kcburst -admin "$(scripts/postgres.sh test)" -n 2000
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"khuyencong/migrations"
	"khuyencong/models"
)

func main() {
	admin := flag.String("admin", os.Getenv("TEST_DATABASE_URL"), "a PostgreSQL URL where a database may be created")
	n := flag.Int("n", 2000, "number of concurrent enrolment requests")
	seats := flag.Int("seats", 30, "seats in the class")
	flag.Parse()
	if err := run(*admin, *n, *seats); err != nil {
		fmt.Fprintln(os.Stderr, "kcburst:", err)
		os.Exit(1)
	}
}

func run(admin string, n, seats int) error {
	if admin == "" {
		return fmt.Errorf("-admin (or TEST_DATABASE_URL) is required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := fmt.Sprintf("kc_burst_%d", time.Now().UnixNano())
	adb, err := sqlx.Open("postgres", admin)
	if err != nil {
		return err
	}
	defer adb.Close()
	if _, err := adb.ExecContext(ctx, `CREATE DATABASE `+name+` ENCODING 'UTF8' TEMPLATE template0`); err != nil {
		return err
	}
	defer adb.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	dsn := u.String()

	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := models.Migrate(ctx, db, migrations.FS); err != nil {
		return err
	}
	courseID, err := setUp(ctx, db, n, seats)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}

	bin := filepath.Join(os.TempDir(), fmt.Sprintf("khuyencong-burst-%d", os.Getpid()))
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/khuyencong").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	defer os.Remove(bin)
	var addrs []string
	for i := 0; i < 2; i++ {
		addr, stop, err := serve(bin, dsn)
		if err != nil {
			return err
		}
		defer stop()
		addrs = append(addrs, addr)
	}
	token, err := login(addrs[0])
	if err != nil {
		return err
	}
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `SELECT id FROM trainees ORDER BY id`); err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}}
	statuses := make([]int, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			<-start
			body, _ := json.Marshal(map[string]int64{"trainee_id": id})
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("http://%s/api/v1/courses/%d/enrolments", addrs[i%2], courseID), bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := client.Do(req)
			if err != nil {
				statuses[i] = -1
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}(i, id)
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(t0)

	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	var r struct {
		Confirmed int  `db:"confirmed"`
		Waiting   int  `db:"waiting"`
		Gapless   bool `db:"gapless"`
	}
	if err := db.GetContext(ctx, &r, `SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
		count(*) FILTER (WHERE status = 'waitlisted') AS waiting,
		coalesce(array_agg(waitlist_position ORDER BY waitlist_position) FILTER (WHERE status = 'waitlisted') =
		         array(SELECT generate_series(1, count(*) FILTER (WHERE status = 'waitlisted')::int)), true) AS gapless
		FROM enrolments WHERE course_id = $1`, courseID); err != nil {
		return err
	}
	var keys []string
	for s, c := range counts {
		keys = append(keys, fmt.Sprintf("%d×%d", c, s))
	}
	sort.Strings(keys)
	fmt.Printf("enrolment burst: %d requests over 2 servers in %s; answers %s; confirmed %d, waitlisted %d, positions 1..n: %v\n",
		n, took.Round(time.Millisecond), strings.Join(keys, " "), r.Confirmed, r.Waiting, r.Gapless)
	if counts[201] != n || r.Confirmed != seats || r.Waiting != n-seats || !r.Gapless {
		return fmt.Errorf("FAIL: want %d×201, %d confirmed, %d waitlisted with positions 1..%d", n, seats, n-seats, n-seats)
	}
	fmt.Println("ok")
	return nil
}

// setUp writes an approved class of the given seats with one session, n trainees and a staff user.
func setUp(ctx context.Context, db *sqlx.DB, n, seats int) (int64, error) {
	s := models.NewStore(db)
	u, err := s.CreateUser(ctx, models.SystemActor("kcburst"), models.NewUser{Email: "burst@example.vn", FullName: "Cán Bộ Tải", Role: "staff", Password: "burst-password-2026"})
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.GetContext(ctx, &id, `
		WITH cr AS (INSERT INTO crafts (name) VALUES ('Mây tre đan') RETURNING id),
		     v AS (INSERT INTO venues (name, seats) VALUES ('Phòng đào tạo', 40) RETURNING id),
		     i AS (INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Giảng Viên') RETURNING id),
		     c AS (INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, status, approved_at, created_by)
		           SELECT 'KC1-2027-001', 'vocational', 'KC1', cr.id, 'Lớp tải thử', $1, '2027-03-01', '2027-04-10', 'approved', now(), $2 FROM cr RETURNING id)
		INSERT INTO course_sessions (course_id, venue_id, instructor_id, starts_at, ends_at)
		SELECT c.id, v.id, i.id, '2027-03-01 07:30+07', '2027-03-01 11:30+07' FROM c, v, i RETURNING course_id`, seats, u.ID)
	if err != nil {
		return 0, err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO trainees (family_name, middle_name, given_name, gender)
		SELECT 'Nguyễn', 'Thị', 'Học Viên ' || g, 'female' FROM generate_series(1, $1) g`, n)
	return id, err
}

// serve starts `khuyencong serve` on a free loopback port and waits until it is ready.
func serve(bin, dsn string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "ADDR="+addr, "BASE_URL=http://"+addr, "LOG_LEVEL=warn", "DB_MAX_CONNS=12")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() }
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return addr, stop, nil
			}
		}
	}
	stop()
	return "", nil, fmt.Errorf("server on %s never became ready", addr)
}

func login(addr string) (string, error) {
	body := strings.NewReader(`{"email":"burst@example.vn","password":"burst-password-2026"}`)
	res, err := http.Post("http://"+addr+"/api/v1/auth/token", "application/json", body)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.Token == "" {
		return "", fmt.Errorf("token: %d %v", res.StatusCode, err)
	}
	return tok.Token, nil
}
