package intelcell

import (
	"encoding/base64"
	"strconv"
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

// EncodeSearchCursor returns the page cursor of a full-text search that
// resumes at offset, the number of matches on the pages before it.
func EncodeSearchCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// DecodeSearchCursor reads a cursor made by EncodeSearchCursor and returns
// its offset. Anything else is EINVALID "bad cursor".
func DecodeSearchCursor(cursor string) (offset int, err error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		offset, err = strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	}
	if err != nil || offset < 0 || !strings.HasPrefix(string(b), "o:") {
		return 0, Errorf(EINVALID, "bad cursor")
	}
	return offset, nil
}
