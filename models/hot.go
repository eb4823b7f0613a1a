package models

import "fmt"

// The statements of the hottest pages and answers, named, so that the benchmark harness can run the
// very statements the store sends through pgbench (the database's own ceiling for a page), and a
// test can check that their plans use indexes.
const (
	sessionsOfCourseQuery = sessionSelect + ` WHERE s.course_id = $1 ORDER BY s.starts_at, s.id`
	catalogueCourseQuery  = catalogueSelect + ` AND c.id = $1`
	certBySerialQuery     = certSelect + ` WHERE c.serial = $1`
	certPDFQuery          = `SELECT coalesce(pdf, '') FROM certificates WHERE id = $1`
	courseExistsQuery     = `SELECT 1 FROM courses WHERE id = $1`
)

// HotQueries returns the statements of the hottest pages and answers by name, exactly as the store
// sends them, with their parameters as $1, $2…:
//
//	user_by_token ($1 token hash), login_session ($1 cookie hash), course ($1 id), course_as ($1 id,
//	$2 user), course_exists ($1 id), sessions ($1 course), course_staff ($1 course), choices_<list>,
//	catalogue_count, catalogue_page ($1 today, $2 page size, $3 offset), catalogue_course ($1 id),
//	public_sessions ($1 course), certificate_by_serial ($1 serial), certificate_pdf ($1 id),
//	reach ($1 from, $2 to, $3 activity kinds, '{}' for all), rate_hit ($1 key, $2 window in seconds),
//	trainee_by_link ($1 token hash), trainee_name, trainee_classes ($1 trainee, $2 now),
//	trainee_sessions, trainee_certificates, trainee_link_status ($1 trainee), enrol_batch ($1 course, $2 items).
func HotQueries() map[string]string {
	countQ, pageQ, _ := catalogueQueries(CatalogueFilter{})
	q := map[string]string{
		"user_by_token":         userByTokenQuery,
		"login_session":         loginSessionQuery,
		"course":                courseByID,
		"course_as":             courseAsQuery,
		"course_exists":         courseExistsQuery,
		"sessions":              sessionsOfCourseQuery,
		"course_staff":          courseStaffQuery,
		"catalogue_count":       countQ,
		"catalogue_page":        pageQ,
		"catalogue_course":      catalogueCourseQuery,
		"public_sessions":       publicSessionsQuery,
		"certificate_by_serial": certBySerialQuery,
		"certificate_pdf":       certPDFQuery,
		"reach":                 fmt.Sprintf(reachQuery, reachEvents),
		"rate_hit":              rateHitQuery,
		"trainee_by_link":       traineeByLinkQuery,
		"trainee_name":          traineeNameQuery,
		"trainee_classes":       traineeClassesQuery,
		"trainee_sessions":      traineeSessionsQuery,
		"trainee_certificates":  traineeCertificatesQuery,
		"trainee_link_status":   traineeLinkStatusQuery,
		"enrol_batch":           enrolBatchQuery,
	}
	for name, text := range choiceQueries {
		q["choices_"+name] = text
	}
	return q
}
