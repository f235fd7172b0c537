// Package web holds the analysts' console: plain ES modules and the few
// library files they use, built into dist/ by build.mjs (npm ci && npm run
// build) and embedded here, so the binary serves the console with nothing
// loaded from the internet. dist/ is committed: a plain go build needs no npm.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist returns the built console: index.html at its root, everything else
// under assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at compile time
	}
	return sub
}
