package sqlite

// indexesMigration adds composite, covering indexes for the event filters
// that combine selectively but match little on their own (PLOVER type with
// CAMEO root, a CAMEO code range, a root). Each index carries date and id,
// the sort key, so FindEvents picks the newest keys from the index alone and
// reads event bodies only for the page it returns. The (x, date) indexes they
// extend are dropped.
const indexesMigration = `
CREATE INDEX events_plover_root_date ON events(plover, root, date, id);
CREATE INDEX events_plover_date ON events(plover, date, id);
CREATE INDEX events_root_date ON events(root, date, id);
CREATE INDEX events_cameo_date ON events(cameo, date, id);
DROP INDEX events_plover;
DROP INDEX events_root;
DROP INDEX events_cameo;
ANALYZE events;
`
