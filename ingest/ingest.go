// Package ingest reads reports from the outside world into intelcell.Report
// values: plain text, HTML (reduced to its text: scripts, styles and markup
// are dropped and never kept), and JSON Lines in the corpus format
// {"id","date","title","text","url","source"}. It does no I/O beyond the
// readers it is given and knows nothing of storage.
package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"golang.org/x/net/html"
)

// skip lists elements whose content is never text of the article.
var skip = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "head": true,
	"svg": true, "iframe": true, "object": true, "embed": true, "nav": true, "form": true,
	"button": true, "select": true, "textarea": true, "canvas": true, "math": true,
}

// block lists elements that end a line of text.
var block = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "table": true, "section": true,
	"article": true, "blockquote": true, "pre": true, "header": true, "footer": true, "hr": true,
	"dd": true, "dt": true, "figcaption": true, "main": true, "aside": true, "title": true,
}

// HTMLText returns the title and the visible text of an HTML document:
// scripts, styles and other non-content elements are dropped, entities
// decoded, block elements become line breaks and runs of spaces collapse.
// The result is plain text; nothing of the markup survives.
func HTMLText(r io.Reader) (title, text string, err error) {
	z := html.NewTokenizer(r)
	var b, line strings.Builder
	depth := 0 // inside skipped elements
	inTitle := false
	flush := func() {
		s := strings.Join(strings.Fields(line.String()), " ")
		line.Reset()
		if s != "" {
			b.WriteString(s)
			b.WriteString("\n")
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			if err := z.Err(); err != nil && !errors.Is(err, io.EOF) {
				return "", "", err
			}
			return strings.TrimSpace(title), strings.TrimSpace(b.String()), nil
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "title" && tt == html.StartTagToken {
				inTitle = true
				continue
			}
			if skip[tag] && tt == html.StartTagToken && tag != "head" {
				depth++
			}
			if block[tag] {
				flush()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "title" {
				inTitle = false
				continue
			}
			if skip[tag] && tag != "head" && depth > 0 {
				depth--
			}
			if block[tag] {
				flush()
			}
		case html.TextToken:
			if inTitle {
				if title == "" {
					title = strings.Join(strings.Fields(string(z.Text())), " ")
				}
				continue
			}
			if depth == 0 {
				line.Write(z.Text())
				line.WriteByte(' ')
			}
		}
	}
}

// LooksLikeHTML reports whether data is probably an HTML document or fragment.
func LooksLikeHTML(data []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(data[:min(len(data), 1024)]))
	for _, p := range [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body"), []byte("<p>"), []byte("<div"), []byte("<article")} {
		if bytes.HasPrefix(head, p) {
			return true
		}
	}
	return false
}

// Line is one JSON Lines record in the corpus format. Unknown fields are
// ignored; HTML, when given instead of text, is reduced to text.
type Line struct {
	ID     string `json:"id"`
	Date   string `json:"date"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	HTML   string `json:"html"`
	URL    string `json:"url"`
	Source string `json:"source"`
}

// Report turns a line into a report (without release).
func (l *Line) Report() (*intelcell.Report, error) {
	text := l.Text
	title := l.Title
	if text == "" && l.HTML != "" {
		t, body, err := HTMLText(strings.NewReader(l.HTML))
		if err != nil {
			return nil, err
		}
		text = body
		if title == "" {
			title = t
		}
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return &intelcell.Report{Title: title, Text: text, Date: l.Date, URL: l.URL, Source: l.Source}, nil
}

// MaxLine bounds one JSON line.
const MaxLine = intelcell.MaxReportText + 64<<10

// ReadJSONL calls fn for each line of r: a report, or the error of a bad
// line (with its line number). It stops at the first error fn returns or at
// a read error.
func ReadJSONL(r io.Reader, fn func(n int, rep *intelcell.Report, err error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var l Line
		var rep *intelcell.Report
		err := json.Unmarshal(b, &l)
		if err == nil {
			rep, err = l.Report()
		}
		if err != nil {
			err = fmt.Errorf("line %d: %w", n, err)
		}
		if err := fn(n, rep, err); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", n+1, err)
	}
	return nil
}

// Document turns one file's content into a report: HTML is reduced to text
// (its <title> as title), anything else is taken as plain text whose first
// line is not treated specially.
func Document(data []byte) (*intelcell.Report, error) {
	if bytes.IndexByte(data[:min(len(data), 1<<16)], 0) >= 0 {
		return nil, fmt.Errorf("binary data (NUL bytes); give UTF-8 text or HTML")
	}
	if LooksLikeHTML(data) {
		title, text, err := HTMLText(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return &intelcell.Report{Title: title, Text: text}, nil
	}
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return &intelcell.Report{Text: text}, nil
}
