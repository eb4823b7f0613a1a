// Reads an iCalendar feed on stdin, parses it with ical.js (an implementation independent of the Go
// writer) and prints one JSON line per VEVENT, with its start and end both in UTC and as the wall-clock
// time in Asia/Ho_Chi_Minh. Exits non-zero when the feed does not parse or lacks what RFC 5545 requires.
import ICAL from "ical.js";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const text = Buffer.concat(chunks).toString("utf8");

const fail = (msg) => {
  console.error("icalcheck: " + msg);
  process.exit(1);
};

let cal;
try {
  cal = new ICAL.Component(ICAL.parse(text));
} catch (e) {
  fail("parse: " + e.message);
}
if (cal.name !== "vcalendar") fail("top component is " + cal.name);
for (const p of ["version", "prodid"]) {
  if (!cal.getFirstPropertyValue(p)) fail("VCALENDAR lacks " + p.toUpperCase());
}

const local = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const vn = (t) => {
  const parts = Object.fromEntries(local.formatToParts(t.toJSDate()).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
};

for (const v of cal.getAllSubcomponents("vevent")) {
  const ev = new ICAL.Event(v);
  for (const p of ["uid", "dtstamp", "dtstart"]) {
    if (!v.getFirstPropertyValue(p)) fail("VEVENT lacks " + p.toUpperCase());
  }
  const start = ev.startDate.convertToZone(ICAL.Timezone.utcTimezone);
  const end = ev.endDate.convertToZone(ICAL.Timezone.utcTimezone);
  console.log(JSON.stringify({
    uid: ev.uid,
    summary: ev.summary,
    location: ev.location,
    description: ev.description,
    status: v.getFirstPropertyValue("status"),
    start_utc: start.toString(),
    end_utc: end.toString(),
    start_vn: vn(ev.startDate),
    end_vn: vn(ev.endDate),
  }));
}
