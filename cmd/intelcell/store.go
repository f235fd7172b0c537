package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/postgres"
	"github.com/intelcell/intelcell/sqlite"
)

// defaultData is the data directory when neither --data nor INTELCELL_DATA is given.
const defaultData = "intelcell-data"

// storeLocation says where a command's store is: the embedded SQLite
// database in data directory Data, or the PostgreSQL database at URL DB
// when DB is given.
type storeLocation struct {
	Data string
	DB   string
}

// Flag returns the flag that names the location, for messages that tell
// how to run another command against the same store.
func (l storeLocation) Flag() string {
	if l.DB != "" {
		return "--db '" + l.DB + "'"
	}
	return "--data " + l.Data
}

// dataFlag adds --data and --db to a command's flags.
func dataFlag(fs *flag.FlagSet) *storeLocation {
	l := &storeLocation{}
	def := os.Getenv("INTELCELL_DATA")
	if def == "" {
		def = defaultData
	}
	fs.StringVar(&l.Data, "data", def, "data directory of the embedded database (env INTELCELL_DATA)")
	fs.StringVar(&l.DB, "db", os.Getenv("INTELCELL_DB"), "a PostgreSQL database to use instead of the embedded one: postgres://user@host:5432/db[?search_path=schema] (env INTELCELL_DB)")
	return l
}

// cellStore is a Store that can say where it is.
type cellStore interface {
	intelcell.Store
	Path() string
}

// openStore opens the store at l: PostgreSQL when l.DB is given, else the
// SQLite database in l.Data. Pending migrations are applied either way.
func openStore(ctx context.Context, l storeLocation) (cellStore, error) {
	if l.DB != "" {
		if !postgres.IsURL(l.DB) {
			return nil, wrapUsage("--db takes a postgres:// URL")
		}
		db, err := postgres.Open(ctx, l.DB)
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, l.Data)
	if err != nil {
		return nil, err
	}
	return db, nil
}
