package intelcell

import (
	"encoding/base64"
	"strings"
	"time"
)

// EncodeEventCursor returns the page cursor of a list of events sorted by
// (date, id) that resumes after the event with that date and id, the last
// of a page. The cursor names only that event's sort key: it says nothing
// about events the viewer cannot see. Every store writes its event cursors
// (EventFilter.Cursor) with it.
func EncodeEventCursor(date, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(date + "|" + id))
}

// DecodeEventCursor reads a cursor made by EncodeEventCursor and returns the
// date and id it names. Anything else, including a cursor whose date is not
// YYYY-MM-DD, is EINVALID "bad cursor".
func DecodeEventCursor(cursor string) (date, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	date, id, ok := strings.Cut(string(b), "|")
	if err == nil && ok {
		_, err = time.Parse("2006-01-02", date)
	}
	if err != nil || !ok {
		return "", "", Errorf(EINVALID, "bad cursor")
	}
	return date, id, nil
}
