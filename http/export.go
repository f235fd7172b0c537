package http

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"

	"github.com/intelcell/intelcell"
)

// ExportEvents writes every event v may see that matches f to w as CSV
// (the GDELT 2.0 columns of GET /api/v1/events?format=csv) or JSON Lines
// (format=jsonl), page by page, holding one page in memory. It is the
// export of the API for callers without HTTP (intelcell export). It returns
// how many events it wrote.
func ExportEvents(ctx context.Context, w io.Writer, es intelcell.EventService, v intelcell.Viewer, f intelcell.EventFilter, format string) (int, error) {
	var write func(*intelcell.StoredEvent) error
	var cw *csv.Writer
	switch format {
	case "csv":
		cw = csv.NewWriter(w)
		if err := cw.Write(gdeltHeader); err != nil {
			return 0, err
		}
		write = func(e *intelcell.StoredEvent) error { return cw.Write(gdeltRow(e)) }
	case "jsonl":
		enc := json.NewEncoder(w)
		write = func(e *intelcell.StoredEvent) error { return enc.Encode(e) }
	default:
		return 0, intelcell.Errorf(intelcell.EINVALID, "format must be csv or jsonl")
	}
	f.Limit = 1000
	n := 0
	for {
		page, next, err := es.FindEvents(ctx, v, f)
		if err != nil {
			return n, err
		}
		for _, e := range page {
			if err := write(e); err != nil {
				return n, err
			}
			n++
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return n, err
			}
		}
		if next == "" {
			return n, nil
		}
		f.Cursor = next
	}
}
